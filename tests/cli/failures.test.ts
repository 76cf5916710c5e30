import * as assert from "node:assert/strict";

import { ExitCode } from "../../cli/errors";
import { levelByNumber } from "../../levels/model";
import type { TestRun } from "./helpers/context";
import { createWorld, volumeLabels, type World } from "./helpers/world";

const LEVELS_KEY = "clinical-mlops:levels";
const CHECKPOINT_ERROR = "error: could not load checkpoint: unexpected end of JSON input";

function assertOneErrorWithoutTrace(run: TestRun): void {
  assert.equal(run.stderr.text.match(/Error:/g)?.length, 1, run.stderr.text);
  assert.doesNotMatch(run.stderr.text, /\n\s+at /);
  assert.doesNotMatch(run.stderr.text, /Unexpected failure/);
}

describe("unexpected Pulumi errors", () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
    world.pulumi.setStacks({
      dev: { config: { [LEVELS_KEY]: { infrastructure: "running" } }, outputs: {} },
    });
  });

  afterEach(async () => {
    await world.cleanup();
  });

  for (const argv of [["--status"], ["--start-level", "0"]]) {
    it(`${argv[0]} reports a damaged checkpoint in one line`, async () => {
      world.pulumi.script({
        failures: { "stack select": { exitCode: 255, stderr: CHECKPOINT_ERROR } },
      });
      const run = world.context();

      const code = await run.run(argv);

      assert.equal(code, ExitCode.failed);
      assert.match(
        run.stderr.text,
        /(^|\n)Error: Pulumi could not open stack dev: could not load checkpoint: unexpected end of JSON input\nCheck the backend/,
      );
      assert.equal(run.stderr.text.split("unexpected end of JSON input").length, 2);
      assert.match(run.stderr.text, /`pulumi stack select dev` with the same backend/);
      assertOneErrorWithoutTrace(run);
      assert.equal(world.pulumi.callsOf("up").length, 0);
    });
  }

  it("reports a config read failure in one line", async () => {
    world.pulumi.script({
      failures: {
        config: { exitCode: 255, stderr: "error: open Pulumi.dev.yaml: permission denied" },
      },
    });
    const run = world.context();

    const code = await run.run(["--stop-full"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      /\nError: Pulumi could not read the config of stack dev: open Pulumi\.dev\.yaml: permission denied\nCheck the backend/,
    );
    assertOneErrorWithoutTrace(run);
  });
});

describe("unexpected Docker API errors", () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
    world.pulumi.setStacks({
      dev: { config: { [LEVELS_KEY]: { infrastructure: "running" } }, outputs: {} },
    });
    world.addService("kafka");
  });

  afterEach(async () => {
    await world.cleanup();
  });

  it("--status reports an HTTP 500 on the container list", async () => {
    world.docker.failures.set("/containers/json", { status: 500, message: "disk I/O error" });
    const run = world.context();

    const code = await run.run(["--status"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      new RegExp(
        `^Error: The Docker daemon at unix://${world.docker.socketPath} \\(from DOCKER_HOST\\) failed to list the stack's containers: \\(HTTP code 500\\) server error - disk I/O error\n`,
      ),
    );
    assert.match(run.stderr.text, /journalctl -u docker/);
    assertOneErrorWithoutTrace(run);
  });

  it("--status reports a 403 from a socket proxy with what to allow", async () => {
    const kafka = world.docker.containers[0];
    world.docker.failures.set(`/containers/${kafka.id}/json`, {
      status: 403,
      message: "request forbidden by administrative rules",
    });
    const run = world.context();

    const code = await run.run(["--status"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      /failed to inspect container clinical-mlops-dev-kafka: \(HTTP code 403\) .*request forbidden by administrative rules\n/,
    );
    assert.match(run.stderr.text, /socket proxy or authorization plugin/);
    assert.match(
      run.stderr.text,
      /Allow this client to inspect container clinical-mlops-dev-kafka/,
    );
    assertOneErrorWithoutTrace(run);
  });

  it("--stop-level-full --yes reports a failed volume list before any change", async () => {
    world.docker.volumes.push({ Name: "clinical-mlops-dev-kafka-data", Labels: volumeLabels(0) });
    world.docker.failures.set("/volumes", { status: 500, message: "volume store unavailable" });
    const run = world.context();

    const code = await run.run(["--stop-level-full", "0", "--yes"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      /Error: The Docker daemon at .* failed to list the volumes to delete: \(HTTP code 500\) server error - volume store unavailable/,
    );
    assertOneErrorWithoutTrace(run);
    assert.equal(world.pulumi.callsOf("up").length, 0);
    assert.deepEqual(world.pulumi.stacks().dev.config[LEVELS_KEY], { infrastructure: "running" });
  });

  it("--logs reports a failed container list", async () => {
    world.docker.failures.set("/containers/json", { status: 500, message: "daemon busy" });
    const run = world.context();

    const code = await run.run(["--logs", "0"]);

    assert.equal(code, ExitCode.failed);
    assert.match(run.stderr.text, /failed to list the level's containers: .*daemon busy/);
    assertOneErrorWithoutTrace(run);
  });

  it("--restart-level reports a failed restart", async () => {
    for (const service of levelByNumber(0).services.filter((name) => name !== "kafka")) {
      world.addService(service);
    }
    const minio = world.docker.containers.find((container) => container.name.endsWith("-minio"));
    assert.ok(minio);
    world.docker.failures.set(`/containers/${minio.id}/restart`, {
      status: 500,
      message: "cannot restart: device busy",
    });
    const run = world.context();

    const code = await run.run(["--restart-level", "0"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      /failed to restart container clinical-mlops-dev-minio: .*cannot restart: device busy/,
    );
    assertOneErrorWithoutTrace(run);
  });

  it("prints no stack trace for a defect unless PIPELINE_DEBUG is 1", async () => {
    const run = world.context();
    // A stdin whose isTTY getter throws plays the part of a defect inside the CLI.
    Object.defineProperty(run.ctx.stdin, "isTTY", {
      get() {
        throw new Error("stdin exploded");
      },
    });

    const code = await run.run(["--status"]);

    assert.equal(code, ExitCode.failed);
    assert.match(run.stderr.text, /^Error: Unexpected failure: stdin exploded\n/);
    assert.match(run.stderr.text, /Run it again with PIPELINE_DEBUG=1/);
    assert.doesNotMatch(run.stderr.text, /\n\s+at /);
  });
});
