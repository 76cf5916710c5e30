import { parseEnv } from "../../shared/src/env";
import { createMetricsRegistry } from "../../shared/src/health-server";
import { LAB_RESULTS_TOPOLOGY } from "../../shared/src/mq";
import { runService, type ServiceContext } from "../../shared/src/service";
import { buildGatewayApp } from "./app";
import { gatewayEnvSchema, type GatewayEnv } from "./config";
import { AmqpLabResultPublisher } from "./publisher";

const SERVICE = "data-gateway";

async function startGateway({ env, logger, shutdown }: ServiceContext<GatewayEnv>): Promise<void> {
  const publisher = new AmqpLabResultPublisher({
    url: env.AMQP_URL,
    topology: LAB_RESULTS_TOPOLOGY,
    logger,
    connectionName: SERVICE,
    confirmTimeoutMs: env.CONFIRM_TIMEOUT_MS,
  });
  const app = buildGatewayApp({
    token: env.GATEWAY_TOKEN,
    publisher,
    logger,
    registry: createMetricsRegistry(SERVICE),
    maxBatchSize: env.MAX_BATCH_SIZE,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
  });

  // Closing the server first lets in-flight requests finish their publish and confirmation.
  shutdown.register("close HTTP server", () => app.close());
  shutdown.register("close Clinical MQ connection", () => publisher.close());

  // The API listens before the broker is reachable, so /health reports 503 meanwhile.
  await app.listen({ port: env.PORT, host: "0.0.0.0" });
  await publisher.start();
  logger.info({ port: env.PORT, maxBatchSize: env.MAX_BATCH_SIZE }, "data gateway ready");
}

void runService({
  service: SERVICE,
  loadEnv: () => parseEnv(gatewayEnvSchema),
  start: startGateway,
});
