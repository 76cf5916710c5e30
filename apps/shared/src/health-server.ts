import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * Connection state of a workload's dependencies, by name (for example `kafka`, `mq`). A workload
 * is healthy when every registered dependency is connected.
 */
export class DependencyHealth {
  private readonly states = new Map<string, boolean>();

  /** Registers dependencies as not connected yet. */
  constructor(dependencies: readonly string[] = []) {
    for (const dependency of dependencies) {
      this.states.set(dependency, false);
    }
  }

  set(dependency: string, connected: boolean): void {
    this.states.set(dependency, connected);
  }

  isHealthy(): boolean {
    return [...this.states.values()].every(Boolean);
  }

  /** Returns `{ status, dependencies }`, the body of `/health`. */
  report(): { status: "ok" | "unavailable"; dependencies: Record<string, boolean> } {
    return {
      status: this.isHealthy() ? "ok" : "unavailable",
      dependencies: Object.fromEntries(this.states),
    };
  }
}

/** Creates a Prometheus registry with Node.js process metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface HealthServerOptions {
  port: number;
  /**
   * Listen address. Defaults to all interfaces, so Prometheus on the Docker network can scrape
   * `/metrics`; tests pass 127.0.0.1.
   */
  host?: string;
  health: DependencyHealth;
  registry: Registry;
  logger: Logger;
}

export interface HealthServer {
  /** The bound port, useful when `port` was 0. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a node:http server with `GET /health` (200 when every dependency is connected, 503
 * otherwise, with a JSON body) and `GET /metrics` (Prometheus text format).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }

    if (path === "/health") {
      const report = options.health.report();
      response
        .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
        .end(JSON.stringify(report));
      return;
    }

    if (path === "/metrics") {
      const contentType = options.registry.contentType;
      options.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": contentType }).end(text),
        (error: unknown) => {
          options.logger.error({ err: error }, "collecting metrics failed");
          response.writeHead(500).end();
        },
      );
      return;
    }

    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "not found", paths: ["/health", "/metrics"] }));
  });

  await listen(server, options.port, options.host ?? "0.0.0.0");
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, "health server listening");

  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
