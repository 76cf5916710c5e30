import assert from "node:assert/strict";
import { Counter } from "prom-client";
import {
  createMetricsRegistry,
  DependencyHealth,
  startHealthServer,
  type HealthServer,
} from "../src/health-server";
import { createLogger } from "../src/logger";

const logger = createLogger({ service: "test", level: "silent" });

describe("health server", () => {
  let server: HealthServer;
  const health = new DependencyHealth(["kafka", "s3"]);
  const registry = createMetricsRegistry("test-service");
  new Counter({ name: "test_events_total", help: "Events.", registers: [registry] }).inc(3);

  before(async () => {
    server = await startHealthServer({ port: 0, host: "127.0.0.1", health, registry, logger });
  });
  after(() => server.close());

  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  it("returns 503 until every dependency is connected", async () => {
    health.set("kafka", true);
    const response = await fetch(url("/health"));
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: "unavailable",
      dependencies: { kafka: true, s3: false },
    });
  });

  it("returns 200 when every dependency is connected", async () => {
    health.set("kafka", true);
    health.set("s3", true);
    const response = await fetch(url("/health"));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      status: "ok",
      dependencies: { kafka: true, s3: true },
    });
  });

  it("serves Prometheus metrics with the service label", async () => {
    const response = await fetch(url("/metrics"));
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^test_events_total\{service="test-service"\} 3$/m);
    assert.match(text, /^process_cpu_user_seconds_total\{service="test-service"\} /m);
  });

  it("returns 404 for other paths and 405 for other methods", async () => {
    assert.equal((await fetch(url("/other"))).status, 404);
    assert.equal((await fetch(url("/health"), { method: "POST" })).status, 405);
  });
});
