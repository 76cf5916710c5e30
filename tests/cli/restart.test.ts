import * as assert from "node:assert/strict";

import { ExitCode } from "../../cli/errors";
import { levelByNumber } from "../../levels/model";
import { createWorld, type World } from "./helpers/world";

describe("--restart-level", () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
    world.pulumi.setStacks({
      dev: {
        config: {
          "clinical-mlops:levels": { infrastructure: "running", "data-ingestion": "stopped" },
        },
        outputs: {},
      },
    });
  });

  afterEach(async () => {
    await world.cleanup();
  });

  function addLevel0(): void {
    const level = levelByNumber(0);
    for (const service of [...level.services, ...level.jobs]) {
      world.addService(
        service,
        level.services.includes(service) ? { healthAfterRestart: ["starting", "healthy"] } : {},
      );
    }
  }

  function restartedServices(): string[] {
    return world.docker.requests
      .filter((request) => request.method === "POST" && request.path.endsWith("/restart"))
      .map((request) =>
        request.path.replace(/^\/containers\/clinical-mlops-dev-(.*)-id\/restart$/, "$1"),
      );
  }

  it("restarts the services in model order and waits for each to be healthy", async () => {
    addLevel0();
    const run = world.context();

    const code = await run.run(["--restart-level", "0"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(restartedServices(), [...levelByNumber(0).services]);
    const restart = world.docker.requests.find((request) => request.path.endsWith("/restart"));
    assert.equal(restart?.query.get("t"), "30");
    assert.match(run.stdout.text, /^minio is healthy after \d+ s\.\n/);
    assert.match(run.stdout.text, /Restarted 8 services of level 0 \(Infrastructure\)\.\n$/);
    assert.equal(world.docker.containers.find((c) => c.name.endsWith("minio-setup"))?.restarts, 0);
    assert.equal(world.docker.requests.filter((request) => request.method === "DELETE").length, 0);
  });

  it("stops at the first service that does not become healthy in time", async () => {
    addLevel0();
    const kafka = world.docker.containers.find((container) => container.name.endsWith("-kafka"));
    assert.ok(kafka);
    kafka.healthAfterRestart = ["unhealthy"];
    kafka.healthOutput = "kafka-broker-api-versions: connection refused";
    world.docker.emitLog(kafka.id, 2, "ERROR Exiting Kafka\n");
    const run = world.context();

    const code = await run.run(["--restart-level", "0", "--timeout", "1"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      /Error: kafka did not become healthy within 1 s after the restart; it is unhealthy\.\n/,
    );
    assert.match(
      run.stderr.text,
      /Last health check output: kafka-broker-api-versions: connection refused\n/,
    );
    assert.match(
      run.stderr.text,
      /Last 20 log lines of clinical-mlops-dev-kafka:\n  ERROR Exiting Kafka\n/,
    );
    assert.match(run.stderr.text, /Raise the wait with --timeout SECONDS/);
    assert.deepEqual(restartedServices(), [
      "minio",
      "postgres-mlflow",
      "postgres-airflow",
      "redis",
      "redis-insight",
      "zookeeper",
      "kafka",
    ]);
  });

  it("reports a service that exits after the restart", async () => {
    addLevel0();
    const redis = world.docker.containers.find((container) => container.name.endsWith("-redis"));
    assert.ok(redis);
    redis.exitAfterRestart = 1;
    const run = world.context();

    assert.equal(await run.run(["--restart-level", "0"]), ExitCode.failed);
    assert.match(run.stderr.text, /Error: redis exited with code 1 after the restart\./);
  });

  it("rejects a level that is not running", async () => {
    const run = world.context();

    assert.equal(await run.run(["--restart-level", "1"]), ExitCode.notRunning);
    assert.match(
      run.stderr.text,
      /Error: Cannot restart level 1 \(Data Ingestion\): its desired state is stopped\. Start it with `pipeline --start-level 1`\./,
    );
    assert.deepEqual(restartedServices(), []);
  });

  it("names services without a container before restarting anything", async () => {
    addLevel0();
    world.docker.containers.splice(
      world.docker.containers.findIndex((container) => container.name.endsWith("-kafka-ui")),
      1,
    );
    const run = world.context();

    assert.equal(await run.run(["--restart-level", "0"]), ExitCode.notRunning);
    assert.match(
      run.stderr.text,
      /Error: Level 0 \(Infrastructure\) has no container for kafka-ui\.\n/,
    );
    assert.deepEqual(restartedServices(), []);
  });

  it("stops waiting on Ctrl-C", async () => {
    addLevel0();
    const minio = world.docker.containers.find((container) => container.name.endsWith("-minio"));
    assert.ok(minio);
    minio.healthAfterRestart = ["starting"];
    const run = world.context();

    const result = run.run(["--restart-level", "0"]);
    while (!restartedServices().includes("minio")) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    run.interrupt();

    assert.equal(await result, ExitCode.interrupted);
    assert.match(
      run.stderr.text,
      /Interrupted while waiting for minio; later services were not restarted\./,
    );
    assert.deepEqual(restartedServices(), ["minio"]);
  });

  it("stops before the next service on Ctrl-C after a healthy one", async () => {
    addLevel0();
    for (const container of world.docker.containers) {
      container.healthAfterRestart = undefined;
    }
    const run = world.context();
    // Ctrl-C arrives while Docker restarts minio, which then reports healthy at once.
    world.docker.onRequest = (request) => {
      if (request.path.endsWith("/restart")) {
        run.interrupt();
      }
    };

    const code = await run.run(["--restart-level", "0"]);

    assert.equal(code, ExitCode.interrupted);
    assert.deepEqual(restartedServices(), ["minio"]);
    assert.match(
      run.stderr.text,
      /Error: Interrupted before restarting postgres-mlflow; it and later services were not restarted\.\nRestarted and healthy: minio\.\n$/,
    );
  });

  it("shows an empty log as such when a service fails", async () => {
    addLevel0();
    const redis = world.docker.containers.find((container) => container.name.endsWith("-redis"));
    assert.ok(redis);
    redis.exitAfterRestart = 1;
    const run = world.context();

    assert.equal(await run.run(["--restart-level", "0"]), ExitCode.failed);
    assert.match(
      run.stderr.text,
      /Error: redis exited with code 1 after the restart\.\nLast 20 log lines of clinical-mlops-dev-redis:\n  \(empty log\)\n$/,
    );
  });
});
