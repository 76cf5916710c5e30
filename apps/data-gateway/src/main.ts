import { parseEnv } from "../../shared/src/env";
import { createMetricsRegistry } from "../../shared/src/health-server";
import { createLogger } from "../../shared/src/logger";
import { LAB_RESULTS_TOPOLOGY } from "../../shared/src/mq";
import { ShutdownCoordinator } from "../../shared/src/shutdown";
import { buildGatewayApp } from "./app";
import { gatewayEnvSchema } from "./config";
import { AmqpLabResultPublisher } from "./publisher";

const SERVICE = "data-gateway";

async function main(shutdownRef: { current?: ShutdownCoordinator }): Promise<void> {
  const env = parseEnv(gatewayEnvSchema);
  const logger = createLogger({ service: SERVICE, level: env.LOG_LEVEL });
  const shutdown = new ShutdownCoordinator({ logger });
  shutdownRef.current = shutdown;
  shutdown.installSignalHandlers();

  const publisher = new AmqpLabResultPublisher({
    url: env.AMQP_URL,
    topology: LAB_RESULTS_TOPOLOGY,
    logger,
    connectionName: SERVICE,
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

const shutdownRef: { current?: ShutdownCoordinator } = {};
main(shutdownRef).catch((error: unknown) => {
  // A wait aborted by shutdown ends here; the shutdown coordinator exits the process.
  if (shutdownRef.current?.signal.aborted) {
    return;
  }
  // The logger may not exist yet (invalid env), so this writes one JSON line to stderr itself.
  const message = error instanceof Error ? error.message : String(error);
  const line = JSON.stringify({ level: "fatal", service: SERVICE, msg: message });
  process.stderr.write(`${line}\n`);
  process.exit(1);
});
