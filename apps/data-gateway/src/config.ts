import { z } from "zod";
import { bearerTokenVar, intVar, LOG_LEVELS, portVar } from "../../shared/src/env";
import { amqpEnvShape } from "../../shared/src/mq";

/** Environment of the data-gateway. */
export const gatewayEnvSchema = z.object({
  ...amqpEnvShape,
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info").meta({ example: "info" }),
  /** Port of the HTTP API, which also serves /health and /metrics. */
  PORT: portVar(8080),
  GATEWAY_TOKEN: bearerTokenVar("<a random string of 32 or more characters>"),
  /**
   * Maximum lab results in one batch request. The maximum, 1000, keeps a full batch of
   * compact JSON below the default BODY_LIMIT_BYTES.
   */
  MAX_BATCH_SIZE: intVar({ min: 1, max: 1000, default: 500 }),
  /** Largest request body in bytes. */
  BODY_LIMIT_BYTES: intVar({ min: 1024, max: 64 * 1024 * 1024, default: 1024 * 1024 }),
  /**
   * Time in ms that a request waits for the broker to confirm its lab results, and for a full
   * socket buffer to drain, before it fails with 503.
   */
  CONFIRM_TIMEOUT_MS: intVar({ min: 100, max: 120_000, default: 10_000 }),
});

export type GatewayEnv = z.output<typeof gatewayEnvSchema>;
