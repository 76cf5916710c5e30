import { z } from "zod";

import { commonEnvShape, intVar, parseEnv } from "../../shared/src/env";
import { kafkaEnvShape } from "../../shared/src/kafka";
import { s3EnvShape } from "../../shared/src/s3";

const MIB = 1024 * 1024;

export const bronzeWriterEnvSchema = z.object({
  ...commonEnvShape,
  ...kafkaEnvShape,
  ...s3EnvShape,
  KAFKA_GROUP_ID: z.string().min(1).default("bronze-writer").meta({ example: "bronze-writer" }),
  /** Maximum records in one bronze object. */
  BATCH_MAX_RECORDS: intVar({ min: 1, max: 1_000_000, default: 10_000 }),
  /** Maximum uncompressed NDJSON bytes in one bronze object. */
  BATCH_MAX_BYTES: intVar({ min: 1024, max: 256 * MIB, default: 8 * MIB }),
  /** Maximum time in ms that a record waits in memory before its batch is written. */
  BATCH_MAX_AGE_MS: intVar({ min: 100, max: 3_600_000, default: 30_000 }),
  /** Maximum bronze objects being written at once; consumption pauses while it is reached. */
  MAX_CONCURRENT_UPLOADS: intVar({ min: 1, max: 64, default: 4 }),
  /**
   * Time in ms allowed for the final flush, commit and close on SIGTERM. Keep it below the
   * container's stop timeout, or Docker kills the process before it commits.
   */
  SHUTDOWN_TIMEOUT_MS: intVar({ min: 1000, max: 600_000, default: 25_000 }),
});

export type BronzeWriterEnv = z.output<typeof bronzeWriterEnvSchema>;

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return parseEnv(bronzeWriterEnvSchema, env);
}
