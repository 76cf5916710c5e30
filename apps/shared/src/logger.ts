import pino, { type Logger } from "pino";

export type { Logger } from "pino";

// Keys that hold credentials in this project's objects and HTTP requests. pino matches each path
// exactly, so every key is listed at the top level and one level down.
const SECRET_KEYS = [
  "password",
  "token",
  "secret",
  "authorization",
  "accessKeyId",
  "secretAccessKey",
  "amqpUrl",
  "AMQP_URL",
  "GATEWAY_TOKEN",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
];

export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  "req.headers.authorization",
  "request.headers.authorization",
  "headers.authorization",
];

export interface LoggerOptions {
  /** Service name written to every line as `service`. */
  service: string;
  /** pino level. Defaults to `info`. */
  level?: string;
  /** Destination stream, for tests. Defaults to stdout. */
  destination?: pino.DestinationStream;
}

/** Creates the service's structured logger, which writes JSON lines with secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? "info",
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  // Synchronous writes keep lines in order and complete before process.exit; these services log
  // a few lines per second, so the cost is small.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(pinoOptions, destination);
}

/**
 * Returns a URL without its password, for logs, for example `amqp://guest:***@rabbitmq:5672/`.
 * Returns `(invalid URL)` for a string that does not parse, because the string may be a secret.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(invalid URL)";
  }
  if (parsed.password !== "") {
    parsed.password = "***";
  }
  return parsed.toString();
}
