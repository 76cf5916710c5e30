import type { Registry } from "prom-client";

import {
  createMetricsRegistry,
  DependencyHealth,
  startHealthServer,
  type HealthServer,
} from "../../shared/src/health-server";
import { connectKafkaProducer, kafkaClientOptions } from "../../shared/src/kafka";
import { LAB_RESULTS_TOPOLOGY } from "../../shared/src/mq";
import { ManagedAmqpConnection } from "../../shared/src/mq-connection";
import { runService, type ServiceContext } from "../../shared/src/service";
import { TOPICS } from "../../shared/src/topics";
import { loadConfig, type ProcessorEnv } from "./config";
import { LabResultsConsumer } from "./lab-results-consumer";
import { ProcessorMetrics } from "./metrics";

const SERVICE = "lab-results-processor";

/** Process-wide parts that exist before any dependency is reached. */
interface Runtime extends ServiceContext<ProcessorEnv> {
  registry: Registry;
  health: DependencyHealth;
  healthServer: HealthServer;
}

/** Serves /health and /metrics, then runs the processor. */
async function startProcessor(context: ServiceContext<ProcessorEnv>): Promise<void> {
  const registry = createMetricsRegistry(SERVICE);
  const health = new DependencyHealth(["kafka", "mq"]);
  const { env, logger } = context;
  const healthServer = await startHealthServer({ port: env.HEALTH_PORT, health, registry, logger });
  await runProcessor({ ...context, registry, health, healthServer });
}

/** Connects to Kafka, then consumes from RabbitMQ until shutdown. */
async function runProcessor(runtime: Runtime): Promise<void> {
  const { env, logger, shutdown } = runtime;

  // Kafka first: consuming lab results is pointless while they cannot be written anywhere.
  const producer = await connectKafkaProducer({
    clientOptions: kafkaClientOptions(env, SERVICE),
    topics: [TOPICS.labResults.name],
    logger,
    signal: shutdown.signal,
  });
  const consumer = new LabResultsConsumer({
    producer,
    topic: TOPICS.labResults.name,
    topology: LAB_RESULTS_TOPOLOGY,
    logger,
    metrics: new ProcessorMetrics(runtime.registry),
    maxKafkaAttempts: env.KAFKA_SEND_MAX_ATTEMPTS,
  });
  const mq = new ManagedAmqpConnection({
    url: env.AMQP_URL,
    logger,
    connectionName: SERVICE,
    onConnect: async (model) => {
      const channel = await model.createConfirmChannel();
      await consumer.attach(channel, env.PREFETCH_COUNT);
      logger.info(
        { queue: LAB_RESULTS_TOPOLOGY.queue, prefetch: env.PREFETCH_COUNT },
        "consuming lab results",
      );
    },
  });

  const healthTimer = setInterval(() => {
    runtime.health.set("kafka", producer.isConnected() && consumer.isKafkaHealthy());
    runtime.health.set("mq", mq.isConnected());
  }, 1000);

  // Stop deliveries and let delivered messages finish before closing. Messages still
  // unacknowledged when the connection closes go back to the queue.
  shutdown.register("stop consuming", () => consumer.stopConsuming());
  shutdown.register("finish delivered messages", () => consumer.drain());
  shutdown.register("close RabbitMQ connection", () => mq.close());
  shutdown.register("close Kafka producer", () => producer.close());
  shutdown.register("close health server", async () => {
    clearInterval(healthTimer);
    await runtime.healthServer.close();
  });

  await mq.start();
}

void runService({
  service: SERVICE,
  loadEnv: () => loadConfig(),
  shutdownTimeoutMs: (env) => env.SHUTDOWN_TIMEOUT_MS,
  start: startProcessor,
});
