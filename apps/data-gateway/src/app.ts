import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { Logger } from "pino";
import { Counter, Histogram, type Registry } from "prom-client";
import { checkBearerToken } from "./auth";
import { PublisherUnavailableError, type LabResultPublisher } from "./publisher";
import { validateBatch, validateSingle, type ValidationResult } from "./validation";

export interface GatewayAppOptions {
  /** Bearer token that lab systems must send. */
  token: string;
  publisher: LabResultPublisher;
  logger: Logger;
  registry: Registry;
  /** Maximum lab results in one batch request. */
  maxBatchSize: number;
  /** Largest accepted request body, in bytes. Defaults to 1 MiB. */
  bodyLimitBytes?: number;
}

interface GatewayMetrics {
  requests: Counter<"route" | "method" | "status_code">;
  published: Counter<string>;
  rejected: Counter<"reason">;
  publishSeconds: Histogram<string>;
}

function createMetrics(registry: Registry): GatewayMetrics {
  return {
    requests: new Counter({
      name: "gateway_http_requests_total",
      help: "HTTP requests by route, method and status code.",
      labelNames: ["route", "method", "status_code"],
      registers: [registry],
    }),
    published: new Counter({
      name: "gateway_lab_results_published_total",
      help: "Lab results confirmed by the Clinical MQ.",
      registers: [registry],
    }),
    rejected: new Counter({
      name: "gateway_lab_results_rejected_total",
      help: "Requests with lab results that were not accepted, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    publishSeconds: new Histogram({
      name: "gateway_publish_duration_seconds",
      help: "Time from publishing a request's lab results to the broker's last confirmation.",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
  };
}

/**
 * Builds the data gateway's HTTP API: `POST /v1/lab-results`, `POST /v1/lab-results/batch`,
 * `GET /health` and `GET /metrics`. The caller listens or uses `inject`.
 */
export function buildGatewayApp(options: GatewayAppOptions): FastifyInstance {
  const app = Fastify({
    // Typed as fastify's base logger so the app is a plain FastifyInstance for callers.
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // The container health check and Prometheus poll these paths; their lines would drown the log.
    logController: new LogController({
      disableRequestLogging: (request) => request.url === "/health" || request.url === "/metrics",
    }),
    // Bounds the time to receive a whole request, so slow clients cannot hold connections open.
    requestTimeout: 30_000,
  });
  const metrics = createMetrics(options.registry);
  // Only JSON bodies are accepted; any other content type gets 415.
  app.removeContentTypeParser("text/plain");

  addErrorHandling(app, metrics);
  addOperationalRoutes(app, options);
  app.register(async (v1) => addLabResultRoutes(v1, options, metrics), { prefix: "/v1" });
  return app;
}

function addErrorHandling(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "(unmatched)";
    metrics.requests.inc({ route, method: request.method, status_code: reply.statusCode });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.code(statusCode).send({ error: "internal-error", message: "internal error" });
    }
    // Body parser errors: malformed JSON (400), wrong content type (415), too large (413).
    metrics.rejected.inc({ reason: "invalid" });
    return reply.code(statusCode).send({ error: "invalid-request", message: error.message });
  });
}

function addOperationalRoutes(app: FastifyInstance, options: GatewayAppOptions): void {
  app.get("/health", async (_request, reply) => {
    const connected = options.publisher.isReady();
    return reply
      .code(connected ? 200 : 503)
      .send({ status: connected ? "ok" : "unavailable", dependencies: { mq: connected } });
  });
  app.get("/metrics", async (_request, reply) => {
    const text = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(text);
  });
}

/** Adds the authenticated lab result endpoints to `v1`, a plugin scope with the `/v1` prefix. */
function addLabResultRoutes(
  v1: FastifyInstance,
  options: GatewayAppOptions,
  metrics: GatewayMetrics,
): void {
  v1.addHook("onRequest", (request, reply) => authenticate(request, reply, options, metrics));
  v1.post("/lab-results", (request, reply) =>
    accept(validateSingle(request.body), reply, options, metrics),
  );
  v1.post("/lab-results/batch", (request, reply) =>
    accept(validateBatch(request.body, options.maxBatchSize), reply, options, metrics),
  );
}

async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  options: GatewayAppOptions,
  metrics: GatewayMetrics,
): Promise<void> {
  const result = checkBearerToken(request.headers.authorization, options.token);
  if (result === "missing") {
    metrics.rejected.inc({ reason: "unauthorized" });
    await reply.code(401).header("www-authenticate", 'Bearer realm="data-gateway"').send({
      error: "unauthorized",
      message: "missing bearer token; send Authorization: Bearer <token>",
    });
  } else if (result === "invalid") {
    metrics.rejected.inc({ reason: "forbidden" });
    await reply.code(403).send({ error: "forbidden", message: "the bearer token is not valid" });
  }
}

async function accept(
  validation: ValidationResult,
  reply: FastifyReply,
  options: GatewayAppOptions,
  metrics: GatewayMetrics,
): Promise<FastifyReply> {
  if (!validation.ok) {
    metrics.rejected.inc({ reason: "invalid" });
    return reply
      .code(400)
      .send({ error: "invalid-payload", message: validation.message, issues: validation.issues });
  }

  const stopTimer = metrics.publishSeconds.startTimer();
  try {
    await options.publisher.publish(validation.results);
  } catch (error) {
    metrics.rejected.inc({ reason: "unavailable" });
    const count = validation.results.length;
    reply.log.warn({ err: error, count }, "publishing lab results failed");
    const message =
      error instanceof PublisherUnavailableError
        ? `${error.message}; retry later`
        : "the Clinical MQ did not accept the lab results; retry later";
    return reply.code(503).header("retry-after", "5").send({ error: "unavailable", message });
  } finally {
    stopTimer();
  }

  metrics.published.inc(validation.results.length);
  return reply.code(202).send({
    accepted: validation.results.length,
    recordIds: validation.results.map((result) => result.recordId),
  });
}
