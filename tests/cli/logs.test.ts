import * as assert from "node:assert/strict";

import { ExitCode } from "../../cli/errors";
import type { TestRun } from "./helpers/context";
import { frame } from "./helpers/fake-docker";
import { createWorld, type World } from "./helpers/world";

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("--logs", () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
    world.pulumi.setStacks({
      dev: { config: { "clinical-mlops:levels": { infrastructure: "running" } }, outputs: {} },
    });
  });

  afterEach(async () => {
    await world.cleanup();
  });

  function stdoutLines(run: TestRun): string[] {
    return run.stdout.text.split("\n").filter((line) => line !== "");
  }

  it("prefixes each line with its service and follows until Ctrl-C", async () => {
    const kafka = world.addService("kafka");
    const minio = world.addService("minio", { tty: true });
    world.docker.emitLog(kafka.id, 1, "kafka line 1\nkafka line 2\n");
    world.docker.emitLog(kafka.id, 2, "kafka warning\n");
    world.docker.emitLog(minio.id, 1, "minio ready\n");
    const run = world.context();

    const result = run.run(["--logs", "0", "--tail", "2"]);
    await waitFor(
      () =>
        world.docker.followerCount(kafka.id) === 1 && world.docker.followerCount(minio.id) === 1,
      "followers",
    );
    world.docker.emitLog(kafka.id, 1, "kafka live ");
    world.docker.emitLog(kafka.id, 1, "line\n");
    await waitFor(() => run.stdout.text.includes("live line"), "the live line");
    run.interrupt();

    assert.equal(await result, ExitCode.ok);
    assert.deepEqual(stdoutLines(run).sort(), [
      "kafka            | kafka line 2",
      "kafka            | kafka live line",
      "kafka            | kafka warning",
      "minio            | minio ready",
    ]);
    assert.match(
      run.stderr.text,
      /Following the logs of level 0 \(Infrastructure\); press Ctrl-C to stop\./,
    );
    await waitFor(() => world.docker.followerCount(kafka.id) === 0, "closed streams");
    const logRequest = world.docker.requests.find(
      (request) => request.path === `/containers/${kafka.id}/logs`,
    );
    assert.equal(logRequest?.query.get("tail"), "2");
    assert.equal(logRequest?.query.get("follow"), "true");
  });

  it("keeps characters whole that frames or chunks split", async () => {
    const kafka = world.addService("kafka");
    const minio = world.addService("minio", { tty: true });
    const run = world.context();

    const result = run.run(["--logs", "0"]);
    await waitFor(
      () =>
        world.docker.followerCount(kafka.id) === 1 && world.docker.followerCount(minio.id) === 1,
      "followers",
    );
    const text = Buffer.from("température élevée\n", "utf8");
    // "é" is two bytes; the cut falls between them, and a stderr frame comes in between.
    const cut = text.indexOf(0xa9);
    world.docker.emitRaw(kafka.id, frame(1, text.subarray(0, cut)));
    world.docker.emitRaw(kafka.id, frame(2, Buffer.from("warn ✓\n", "utf8")));
    world.docker.emitRaw(kafka.id, frame(1, text.subarray(cut)));
    world.docker.emitRaw(minio.id, text.subarray(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.docker.emitRaw(minio.id, text.subarray(cut));
    await waitFor(() => stdoutLines(run).length === 3, "three lines");
    run.interrupt();

    assert.equal(await result, ExitCode.ok);
    assert.deepEqual(stdoutLines(run).sort(), [
      "kafka            | température élevée",
      "kafka            | warn ✓",
      "minio            | température élevée",
    ]);
  });

  it("passes --since to Docker and skips older lines", async () => {
    const kafka = world.addService("kafka");
    world.docker.emitLog(kafka.id, 1, "old\n", 1000);
    world.docker.emitLog(kafka.id, 1, "new\n", 2000);
    const run = world.context();

    const result = run.run(["--logs", "0", "--since", "1500"]);
    await waitFor(() => run.stdout.text.includes("new"), "the new line");
    run.interrupt();

    assert.equal(await result, ExitCode.ok);
    assert.deepEqual(stdoutLines(run), ["kafka            | new"]);
  });

  it("picks up a container that appears while following", async () => {
    world.addService("zookeeper");
    const run = world.context();

    const result = run.run(["--logs", "0"]);
    await waitFor(() => run.stderr.text.includes("Following"), "the start");
    const kafka = world.addService("kafka");
    world.docker.emitLog(kafka.id, 1, "kafka started\n");
    await waitFor(() => run.stdout.text.includes("kafka started"), "the new container's line");
    run.interrupt();

    assert.equal(await result, ExitCode.ok);
  });

  it("reports a stream that ends without following it again", async () => {
    const kafka = world.addService("kafka");
    world.addService("minio-setup");
    const run = world.context();

    const result = run.run(["--logs", "0"]);
    await waitFor(() => world.docker.followerCount(kafka.id) === 1, "the follower");
    world.docker.endLogs(kafka.id);
    kafka.status = "exited";
    await waitFor(() => run.stderr.text.includes("kafka: log stream ended"), "the end notice");
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.interrupt();

    assert.equal(await result, ExitCode.ok);
    const endNotices = run.stderr.text.match(/log stream ended/g) ?? [];
    assert.equal(endNotices.length, 2, run.stderr.text);
  });

  it("exits 8 when the level has no containers", async () => {
    const run = world.context();

    assert.equal(await run.run(["--logs", "2"]), ExitCode.notRunning);
    assert.match(
      run.stderr.text,
      /Error: Level 2 \(Data Processing\) has no containers on unix:\/\/.*docker\.sock \(from DOCKER_HOST\); its desired state is absent\.\nStart it with `pipeline --start-level 2`\./,
    );
  });
});
