import { z } from "zod";
import { intVar, LOG_LEVELS, portVar } from "../../shared/src/env";
import { amqpEnvShape } from "../../shared/src/mq";

/** Environment of the data-gateway. */
export const gatewayEnvSchema = z.object({
  ...amqpEnvShape,
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info").meta({ example: "info" }),
  /** Port of the HTTP API, which also serves /health and /metrics. */
  PORT: portVar(8080),
  GATEWAY_TOKEN: z
    .string()
    .min(16, "expected at least 16 characters")
    .meta({ example: "<a random string of 32 or more characters>", secret: true }),
  MAX_BATCH_SIZE: intVar({ min: 1, max: 5000, default: 500 }),
  /** Largest request body in bytes. */
  BODY_LIMIT_BYTES: intVar({ min: 1024, max: 64 * 1024 * 1024, default: 1024 * 1024 }),
});

export type GatewayEnv = z.output<typeof gatewayEnvSchema>;
