import type pino from "pino";
import { createLogger, type Logger } from "./logger";
import { ShutdownCoordinator } from "./shutdown";

/** Parts that every workload's start function receives once its configuration is valid. */
export interface ServiceContext<Env> {
  env: Env;
  logger: Logger;
  /** Coordinator with SIGTERM and SIGINT handlers installed; register close steps on it. */
  shutdown: ShutdownCoordinator;
}

export interface ServiceDefinition<Env extends { LOG_LEVEL: string }> {
  /** Service name, written to every log line as `service`. */
  service: string;
  /** Reads and validates the environment; throws, for example an `EnvConfigError`, if invalid. */
  loadEnv: () => Env;
  /** Time in ms allowed for the shutdown steps. Defaults to the coordinator's 8 s. */
  shutdownTimeoutMs?: (env: Env) => number;
  /**
   * Starts the workload and resolves once it runs. Its close steps go on `context.shutdown`.
   * An error thrown after shutdown began, such as an aborted retry, is expected and ignored.
   */
  start: (context: ServiceContext<Env>) => Promise<void>;
  /** Ends the process. Defaults to `process.exit`; tests pass a recorder. */
  exit?: (code: number) => void;
  /** Destination of the error line written before a logger exists. Defaults to stderr. */
  stderr?: { write(line: string): unknown };
  /** Destination of the logger. Defaults to stdout. */
  logDestination?: pino.DestinationStream;
  /** Installs SIGTERM and SIGINT handlers. Defaults to true; tests turn it off. */
  installSignalHandlers?: boolean;
}

/**
 * Runs a workload: loads its configuration, creates the logger and the shutdown coordinator and
 * calls `start`. An invalid configuration is written as one JSON line to stderr and exits with 1.
 * An error from `start` is logged as fatal and exits with 1, unless shutdown had already begun:
 * then the coordinator finishes its steps and exits itself.
 */
export async function runService<Env extends { LOG_LEVEL: string }>(
  definition: ServiceDefinition<Env>,
): Promise<void> {
  const exit = definition.exit ?? ((code: number) => process.exit(code));

  let env: Env;
  try {
    env = definition.loadEnv();
  } catch (error) {
    // No logger exists yet, because LOG_LEVEL may be the invalid variable.
    const message = error instanceof Error ? error.message : String(error);
    const line = JSON.stringify({ level: "fatal", service: definition.service, msg: message });
    (definition.stderr ?? process.stderr).write(`${line}\n`);
    exit(1);
    return;
  }

  const logger = createLogger({
    service: definition.service,
    level: env.LOG_LEVEL,
    destination: definition.logDestination,
  });
  const shutdown = new ShutdownCoordinator({
    logger,
    timeoutMs: definition.shutdownTimeoutMs?.(env),
    exit,
  });
  if (definition.installSignalHandlers ?? true) {
    shutdown.installSignalHandlers();
  }

  try {
    await definition.start({ env, logger, shutdown });
  } catch (error) {
    if (shutdown.signal.aborted) {
      return;
    }
    logger.fatal({ err: error }, `${definition.service} stopped on an error`);
    exit(1);
  }
}
