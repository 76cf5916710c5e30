import type { Registry } from "prom-client";

import {
  createMetricsRegistry,
  DependencyHealth,
  startHealthServer,
  type HealthServer,
} from "../../shared/src/health-server";
import { kafkaClientOptions } from "../../shared/src/kafka";
import { KafkaRecordConsumer } from "../../shared/src/kafka-consumer";
import { retryWithBackoff } from "../../shared/src/retry";
import { createS3Client, ensureBucket } from "../../shared/src/s3";
import { runService, type ServiceContext } from "../../shared/src/service";
import { ALL_TOPIC_NAMES } from "../../shared/src/topics";
import { BronzeWriter } from "./bronze-writer";
import { loadConfig, type BronzeWriterEnv } from "./config";
import { BronzeMetrics } from "./metrics";
import { S3ObjectStore } from "./object-store";

const SERVICE = "kafka-consumer";

/** Process-wide parts that exist before any dependency is reached. */
interface Runtime extends ServiceContext<BronzeWriterEnv> {
  registry: Registry;
  health: DependencyHealth;
  healthServer: HealthServer;
}

/** Serves /health and /metrics, then runs the bronze writer. */
async function startBronzeWriter(context: ServiceContext<BronzeWriterEnv>): Promise<void> {
  const registry = createMetricsRegistry(SERVICE);
  const health = new DependencyHealth(["kafka", "s3"]);
  const { env, logger } = context;
  const healthServer = await startHealthServer({ port: env.HEALTH_PORT, health, registry, logger });
  await runBronzeWriter({ ...context, registry, health, healthServer });
}

/** Connects to S3 and Kafka, registers the shutdown steps and consumes until shutdown. */
async function runBronzeWriter(runtime: Runtime): Promise<void> {
  const { env, logger, shutdown } = runtime;

  const s3 = createS3Client(env);
  await retryWithBackoff(() => ensureBucket(s3, env.S3_BUCKET), {
    name: `open S3 bucket ${env.S3_BUCKET} at ${env.S3_ENDPOINT}`,
    logger,
    maxDelayMs: 10_000,
    signal: shutdown.signal,
  });
  logger.info({ endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET }, "S3 bucket ready");

  const consumer = new KafkaRecordConsumer({
    clientOptions: kafkaClientOptions(env, SERVICE),
    groupId: env.KAFKA_GROUP_ID,
    topics: [...ALL_TOPIC_NAMES],
  });
  // Upload retries get no abort signal: on shutdown they continue until the object is
  // written or the shutdown timeout ends the process, which leaves those offsets uncommitted.
  const writer = new BronzeWriter({
    store: new S3ObjectStore(s3, env.S3_BUCKET),
    committer: consumer,
    logger,
    metrics: new BronzeMetrics(runtime.registry),
    limits: {
      maxRecords: env.BATCH_MAX_RECORDS,
      maxBytes: env.BATCH_MAX_BYTES,
      maxAgeMs: env.BATCH_MAX_AGE_MS,
    },
    maxConcurrentUploads: env.MAX_CONCURRENT_UPLOADS,
  });
  writer.start(Math.min(1000, env.BATCH_MAX_AGE_MS));

  const healthTimer = setInterval(() => {
    runtime.health.set("kafka", consumer.isConnected());
    runtime.health.set("s3", writer.isHealthy());
  }, 1000);

  // Stop reading, write and commit what was read, then leave the group.
  shutdown.register("stop consuming", () => consumer.stop());
  shutdown.register("write open batches and commit", () => writer.close());
  shutdown.register("leave consumer group", () => consumer.close());
  shutdown.register("close S3 client and health server", async () => {
    clearInterval(healthTimer);
    s3.destroy();
    await runtime.healthServer.close();
  });

  logger.info(
    { brokers: env.KAFKA_BROKERS, groupId: env.KAFKA_GROUP_ID, topics: ALL_TOPIC_NAMES },
    "consuming from Kafka",
  );
  await retryWithBackoff(() => consumer.run(writer.handle), {
    name: "consume from Kafka",
    logger,
    maxDelayMs: 10_000,
    signal: shutdown.signal,
  });
}

void runService({
  service: SERVICE,
  loadEnv: () => loadConfig(),
  shutdownTimeoutMs: (env) => env.SHUTDOWN_TIMEOUT_MS,
  start: startBronzeWriter,
});
