import { z } from "zod";

import { commonEnvShape, intVar, parseEnv } from "../../shared/src/env";
import { kafkaEnvShape } from "../../shared/src/kafka";
import { amqpEnvShape } from "../../shared/src/mq";

export const processorEnvSchema = z.object({
  ...commonEnvShape,
  ...kafkaEnvShape,
  ...amqpEnvShape,
  /** Maximum unacknowledged messages the broker delivers to this consumer. */
  PREFETCH_COUNT: intVar({ min: 1, max: 1000, default: 32 }),
  /**
   * Attempts to write a result to Kafka when the writes fail with an error that is neither a
   * broker outage (retried without limit) nor a rejection of the record (dead-lettered at once).
   * The message is dead-lettered after the last attempt.
   */
  KAFKA_SEND_MAX_ATTEMPTS: intVar({ min: 1, max: 1000, default: 10 }),
  /** Time in ms allowed for the shutdown steps. Keep it below the container's stop timeout. */
  SHUTDOWN_TIMEOUT_MS: intVar({ min: 1000, max: 600_000, default: 8000 }),
});

export type ProcessorEnv = z.output<typeof processorEnvSchema>;

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return parseEnv(processorEnvSchema, env);
}
