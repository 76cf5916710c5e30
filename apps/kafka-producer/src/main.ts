import type { Registry } from "prom-client";
import { parseEnv } from "../../shared/src/env";
import {
  createMetricsRegistry,
  DependencyHealth,
  startHealthServer,
} from "../../shared/src/health-server";
import {
  connectKafkaProducer,
  kafkaClientOptions,
  type KafkaRecordProducer,
} from "../../shared/src/kafka";
import { retryWithBackoff } from "../../shared/src/retry";
import { runService, type ServiceContext } from "../../shared/src/service";
import { TOPICS } from "../../shared/src/topics";
import { producerEnvSchema, type ProducerEnv } from "./config";
import { GatewayClient } from "./gateway-client";
import { createGenerator } from "./generator";
import { createIngestionMetrics, IngestionLoop, type IngestionLoopOptions } from "./ingestion-loop";
import { TokenBucket } from "./rate-limiter";

const SERVICE = "kafka-producer";

async function startProducer(context: ServiceContext<ProducerEnv>): Promise<void> {
  const { env, logger, shutdown } = context;
  const health = new DependencyHealth(["kafka", "gateway"]);
  const registry = createMetricsRegistry(SERVICE);
  const healthServer = await startHealthServer({ port: env.HEALTH_PORT, health, registry, logger });

  // Steps run in registration order, so they are registered before the resources exist.
  let running: Promise<void> = Promise.resolve();
  let kafka: KafkaRecordProducer | undefined;
  shutdown.register("stop generating and flush lab results", () => running);
  shutdown.register("close Kafka producer", () => kafka?.close());
  shutdown.register("close health server", () => healthServer.close());

  const topics = [TOPICS.vitals.name, TOPICS.medications.name, TOPICS.adverseEvents.name];
  kafka = await connectKafkaProducer({
    clientOptions: kafkaClientOptions(env, SERVICE),
    topics,
    logger,
    signal: shutdown.signal,
  });
  health.set("kafka", true);

  const gateway = new GatewayClient({ baseUrl: env.GATEWAY_URL, token: env.GATEWAY_TOKEN });
  await retryWithBackoff(() => gateway.checkHealth(), {
    name: `wait for the data gateway at ${env.GATEWAY_URL}`,
    logger,
    signal: shutdown.signal,
  });
  health.set("gateway", true);

  const runId = env.RUN_ID ?? new Date().toISOString();
  const loop = createLoop(env, runId, { kafka, gateway, health, registry, logger });
  running = loop.run(shutdown.signal);

  logger.info(
    {
      seed: env.SEED,
      runId,
      patients: env.PATIENT_COUNT,
      trials: env.TRIAL_COUNT,
      sitesPerTrial: env.SITES_PER_TRIAL,
      recordsPerSecond: env.RECORDS_PER_SECOND,
    },
    "producing synthetic clinical records",
  );
  running.catch((error: unknown) => {
    logger.error({ err: error }, "ingestion loop failed");
    void shutdown.shutdown("ingestion loop failed");
  });
}

/** Creates the generator and the loop that delivers its records at `RECORDS_PER_SECOND`. */
function createLoop(
  env: ProducerEnv,
  runId: string,
  dependencies: Pick<IngestionLoopOptions, "kafka" | "gateway" | "health" | "logger"> & {
    registry: Registry;
  },
): IngestionLoop {
  const generator = createGenerator({
    seed: env.SEED,
    runId,
    patientCount: env.PATIENT_COUNT,
    trialCount: env.TRIAL_COUNT,
    sitesPerTrial: env.SITES_PER_TRIAL,
    abnormalRate: env.ABNORMAL_RATE,
    alternativeUnitRate: env.ALTERNATIVE_UNIT_RATE,
  });
  const { registry, ...loopDependencies } = dependencies;
  return new IngestionLoop({
    ...loopDependencies,
    generator,
    // The bucket stores at most one second of tokens, so catching up after a pause stays small.
    limiter: new TokenBucket(env.RECORDS_PER_SECOND, Math.max(1, env.RECORDS_PER_SECOND)),
    metrics: createIngestionMetrics(registry),
    labBatchSize: env.LAB_BATCH_SIZE,
  });
}

void runService({
  service: SERVICE,
  loadEnv: () => parseEnv(producerEnvSchema),
  start: startProducer,
});
