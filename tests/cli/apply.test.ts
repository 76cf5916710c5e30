import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { ExitCode } from "../../cli/errors";
import { IMPLEMENTED_LEVELS, LEVELS } from "../../levels/model";
import {
  containerFailed,
  containerStep,
  containerUrn,
  errorDiagnostic,
  resourceStep,
  summary,
} from "./helpers/events";
import { createWorld, volumeLabels, type World } from "./helpers/world";

const LEVELS_KEY = "clinical-mlops:levels";

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("start and stop commands", () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
  });

  afterEach(async () => {
    await world.cleanup();
  });

  function givenLevels(
    levels: Record<string, string>,
    extraConfig: Record<string, unknown> = {},
  ): void {
    world.pulumi.setStacks({
      dev: { config: { [LEVELS_KEY]: levels, ...extraConfig }, outputs: {} },
    });
  }

  function levelsNow(): unknown {
    return world.pulumi.stacks().dev.config[LEVELS_KEY];
  }

  it("--start-level 1 starts levels 0 and 1 through pulumi up with refresh", async () => {
    world.pulumi.script({
      up: {
        events: [
          containerStep("pre", "create", "kafka"),
          containerStep("outputs", "create", "kafka"),
          containerStep("pre", "create", "data-gateway"),
          containerStep("outputs", "create", "data-gateway"),
        ],
        outputs: {
          accessPoints: {
            value: {
              "kafka-ui": "http://127.0.0.1:8080",
              "data-gateway": "http://admin:secret@127.0.0.1:8000",
            },
            secret: false,
          },
        },
      },
    });
    const run = world.context();

    const code = await run.run(["--start-level", "1"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(levelsNow(), { infrastructure: "running", "data-ingestion": "running" });
    const up = world.pulumi.callsOf("up");
    assert.equal(up.length, 1);
    assert.ok(up[0].argv.includes("--refresh"), up[0].argv.join(" "));
    assert.deepEqual(up[0].env, {
      PULUMI_BACKEND_URL: `file://${world.root}/.pulumi-state`,
      PULUMI_CONFIG_PASSPHRASE_FILE: path.join(world.root, ".pulumi-state", "passphrase"),
      PULUMI_AUTOMATION_API: "true",
    });
    assert.equal(
      run.stdout.text,
      [
        "Stack dev:",
        "  Level 0 Infrastructure: absent -> running (level 1 depends on it)",
        "  Level 1 Data Ingestion: absent -> running",
        "Level 0 Infrastructure: 1/9 ready",
        "Level 1 Data Ingestion: 1/6 ready",
        "Access points:",
        "  kafka-ui      http://127.0.0.1:8080",
        "  data-gateway  http://admin@127.0.0.1:8000/",
        "Done: stack dev is up to date.",
        "",
      ].join("\n"),
    );
    assert.match(run.stderr.text, /Level 0 Infrastructure: 0\/9 ready, waiting for kafka\n/);
    assert.match(
      run.stderr.text,
      /Created a random passphrase for the stack's secrets in .*passphrase \(mode 0600\)/,
    );
    assert.doesNotMatch(run.stdout.text + run.stderr.text, /secret@/);
  });

  it("--start-level of a level without services is rejected before any change", async function () {
    const level = LEVELS.find((candidate) => !IMPLEMENTED_LEVELS.includes(candidate.number));
    if (!level) {
      this.skip();
    }
    givenLevels({ infrastructure: "running" });
    const run = world.context();

    const code = await run.run(["--start-level", String(level.number)]);

    assert.equal(code, ExitCode.usage);
    assert.match(
      run.stderr.text,
      new RegExp(
        `Error: Cannot start level ${level.number} \\(${level.title}\\): this version of the program has no services for `,
      ),
    );
    assert.equal(world.pulumi.callsOf("up").length, 0);
    assert.deepEqual(levelsNow(), { infrastructure: "running" });
  });

  it("--start-level without services changes nothing in a fresh project", async function () {
    const level = LEVELS.find((candidate) => !IMPLEMENTED_LEVELS.includes(candidate.number));
    if (!level) {
      this.skip();
    }
    fs.rmSync(path.join(world.root, ".pulumi-state"), { recursive: true });
    const run = world.context();

    const code = await run.run(["--start-level", String(level.number)]);

    assert.equal(code, ExitCode.usage);
    assert.match(run.stderr.text, new RegExp(`^Error: Cannot start level ${level.number} `));
    assert.equal(fs.existsSync(path.join(world.root, ".pulumi-state")), false);
    assert.deepEqual(world.pulumi.calls(), []);
    assert.deepEqual(world.docker.requests, []);
  });

  it("--start-level without services exits 2 without pulumi on PATH", async function () {
    const level = LEVELS.find((candidate) => !IMPLEMENTED_LEVELS.includes(candidate.number));
    if (!level) {
      this.skip();
    }
    fs.rmSync(path.join(world.root, ".pulumi-state"), { recursive: true });
    const emptyBin = path.join(world.dir, "empty-bin");
    fs.mkdirSync(emptyBin);
    const run = world.context();
    run.ctx.env.PATH = emptyBin;

    const code = await run.run(["--start-level", String(level.number)]);

    assert.equal(code, ExitCode.usage);
    assert.match(run.stderr.text, new RegExp(`^Error: Cannot start level ${level.number} `));
    assert.doesNotMatch(run.stderr.text, /pulumi CLI was not found/);
    assert.equal(fs.existsSync(path.join(world.root, ".pulumi-state")), false);
  });

  it("rejects an invalid levels config before any change", async () => {
    givenLevels({ infrastructure: "running", features: "paused" });
    const run = world.context();

    assert.equal(await run.run(["--stop-full"]), ExitCode.usage);
    assert.match(
      run.stderr.text,
      /Error: clinical-mlops:levels\.features is "paused"; valid states are running, stopped, absent\. Fix it in Pulumi\.dev\.yaml\./,
    );
    assert.equal(world.pulumi.callsOf("up").length, 0);
  });

  it("--stop-level 0 stops its running dependents and keeps volumes", async () => {
    givenLevels({
      infrastructure: "running",
      "data-ingestion": "running",
      observability: "running",
    });
    world.docker.volumes.push({ Name: "clinical-mlops-dev-kafka-data", Labels: volumeLabels(0) });
    const run = world.context();

    const code = await run.run(["--stop-level", "0"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(levelsNow(), {
      infrastructure: "stopped",
      "data-ingestion": "stopped",
      observability: "stopped",
    });
    assert.match(
      run.stdout.text,
      /Also stopping level 1 \(Data Ingestion\) and level 5 \(Observability\), which depend on level 0; their volumes are kept\./,
    );
    assert.equal(world.docker.requests.filter((request) => request.method === "DELETE").length, 0);
    assert.equal(world.docker.volumes.length, 1);
  });

  it("--stop-level-full without a terminal or --yes is rejected before any change", async () => {
    givenLevels({ infrastructure: "running" });
    const run = world.context();

    const code = await run.run(["--stop-level-full", "0"]);

    assert.equal(code, ExitCode.notConfirmed);
    assert.match(
      run.stderr.text,
      /Error: --stop-level-full deletes data and needs a confirmation, but stdin is not a terminal\. Pass --yes to confirm\./,
    );
    assert.deepEqual(levelsNow(), { infrastructure: "running" });
    assert.equal(world.pulumi.callsOf("up").length, 0);
  });

  it("--stop-level-full --yes lists and deletes only that level's volumes", async () => {
    givenLevels({ infrastructure: "running", "data-ingestion": "running" });
    world.docker.volumes.push(
      { Name: "clinical-mlops-dev-kafka-data", Labels: volumeLabels(0) },
      { Name: "clinical-mlops-dev-minio-data", Labels: volumeLabels(0) },
      { Name: "clinical-mlops-dev-mq-data", Labels: volumeLabels(1) },
      { Name: "clinical-mlops-prod-kafka-data", Labels: volumeLabels(0, "prod") },
    );
    const run = world.context();

    const code = await run.run(["--stop-level-full", "0", "--yes"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(levelsNow(), { infrastructure: "absent", "data-ingestion": "stopped" });
    assert.match(
      run.stdout.text,
      /These volumes of level 0 \(Infrastructure\) will be deleted:\n  - clinical-mlops-dev-kafka-data\n  - clinical-mlops-dev-minio-data\n/,
    );
    assert.deepEqual(
      world.docker.volumes.map((volume) => volume.Name),
      ["clinical-mlops-dev-mq-data", "clinical-mlops-prod-kafka-data"],
    );
  });

  it("--stop-level-full reports a leftover volume that Docker keeps", async () => {
    givenLevels({ infrastructure: "running" });
    world.docker.volumes.push({ Name: "clinical-mlops-dev-kafka-data", Labels: volumeLabels(0) });
    world.docker.busyVolumes.add("clinical-mlops-dev-kafka-data");
    const run = world.context();

    const code = await run.run(["--stop-level-full", "0", "--yes"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      /Error: The update succeeded, but Docker did not delete these leftovers:\nclinical-mlops-dev-kafka-data: \(HTTP code 409\) .*volume is in use/,
    );
    assert.deepEqual(levelsNow(), { infrastructure: "absent" });
  });

  it("--stop-level-full asks on a terminal and stops when the answer is no", async () => {
    givenLevels({ features: "running" });
    const run = world.context({ interactive: true });
    run.stdin.write("n\n");

    const code = await run.run(["--stop-level-full", "3"]);

    assert.equal(code, ExitCode.notConfirmed);
    assert.match(
      run.stderr.text,
      /Make level 3 \(Feature Engineering\) absent and delete its volumes\? This cannot be undone\. \[y\/N\] /,
    );
    assert.match(run.stderr.text, /--stop-level-full was not confirmed; nothing was changed\./);
    assert.deepEqual(levelsNow(), { features: "running" });
  });

  it("--stop-level-full proceeds on a terminal after yes", async () => {
    givenLevels({ features: "running" });
    const run = world.context({ interactive: true });
    run.stdin.write("y\n");

    const code = await run.run(["--stop-level-full", "3"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(levelsNow(), { features: "absent" });
  });

  for (const [argv, prompt] of [
    [["--stop-level-full", "3"], "[y/N] "],
    [["--clean-all"], "Type yes to continue: "],
  ] as const) {
    it(`${argv[0]} cancels on Ctrl-C at the prompt`, async () => {
      givenLevels({ features: "running" });
      const run = world.context({ interactive: true });

      const result = run.run([...argv]);
      await waitFor(() => run.stderr.text.endsWith(prompt), "the prompt");
      run.interrupt();
      run.stdin.write(argv[0] === "--clean-all" ? "yes\n" : "y\n");

      assert.equal(await result, ExitCode.interrupted);
      assert.match(run.stderr.text, /\nError: Cancelled with Ctrl-C; nothing was changed\.\n$/);
      assert.deepEqual(levelsNow(), { features: "running" });
      assert.equal(world.pulumi.callsOf("config set-all").length, 0);
      assert.equal(world.pulumi.callsOf("up").length + world.pulumi.callsOf("destroy").length, 0);
    });
  }

  it("--clean-all without a terminal or --yes is rejected", async () => {
    givenLevels({ infrastructure: "running" });
    const run = world.context();

    assert.equal(await run.run(["--clean-all"]), ExitCode.notConfirmed);
    assert.match(
      run.stderr.text,
      /Error: --clean-all deletes data and needs a confirmation, but stdin is not a terminal\. Pass --yes to confirm\./,
    );
    assert.equal(world.pulumi.callsOf("destroy").length, 0);
    assert.deepEqual(levelsNow(), { infrastructure: "running" });
  });

  it("--clean-all needs the word yes, not y", async () => {
    givenLevels({ infrastructure: "running" });
    const run = world.context({ interactive: true });
    run.stdin.write("y\n");

    const code = await run.run(["--clean-all"]);

    assert.equal(code, ExitCode.notConfirmed);
    assert.match(run.stderr.text, /Type yes to continue: /);
    assert.equal(world.pulumi.callsOf("destroy").length, 0);
  });

  it("--clean-all after yes destroys the stack and removes leftovers", async () => {
    givenLevels(
      { infrastructure: "running", observability: "stopped" },
      { "clinical-mlops:portOffset": "0" },
    );
    world.addService("kafka");
    world.docker.volumes.push(
      { Name: "clinical-mlops-dev-kafka-data", Labels: volumeLabels(0) },
      { Name: "clinical-mlops-prod-kafka-data", Labels: volumeLabels(0, "prod") },
    );
    const run = world.context({ interactive: true });
    run.stdin.write("yes\n");

    const code = await run.run(["--clean-all"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    const destroy = world.pulumi.callsOf("destroy");
    assert.equal(destroy.length, 1);
    assert.ok(destroy[0].argv.includes("--refresh"));
    assert.deepEqual(world.pulumi.stacks().dev.config, {
      [LEVELS_KEY]: { infrastructure: "absent", observability: "absent" },
      "clinical-mlops:portOffset": "0",
    });
    assert.deepEqual(world.docker.containers, []);
    assert.deepEqual(
      world.docker.volumes.map((volume) => volume.Name),
      ["clinical-mlops-prod-kafka-data"],
    );
  });

  it("--stop-level-full --preview says which volumes would be deleted", async () => {
    givenLevels({ infrastructure: "running" });
    world.docker.volumes.push({ Name: "clinical-mlops-dev-kafka-data", Labels: volumeLabels(0) });
    const run = world.context();

    const code = await run.run(["--stop-level-full", "0", "--preview"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.match(
      run.stdout.text,
      /These volumes of level 0 \(Infrastructure\) would be deleted:\n  - clinical-mlops-dev-kafka-data\n/,
    );
    assert.equal(world.docker.volumes.length, 1);
  });

  it("rejects an invalid DOCKER_HOST before creating anything", async () => {
    fs.rmSync(path.join(world.root, ".pulumi-state"), { recursive: true });
    const run = world.context();
    run.ctx.env.DOCKER_HOST = "http://127.0.0.1:2375";

    const code = await run.run(["--start-level", "0"]);

    assert.equal(code, ExitCode.usage);
    assert.equal(
      run.stderr.text,
      'Error: Invalid Docker host "http://127.0.0.1:2375": use unix:///path/to/docker.sock, tcp://host:port, ssh://user@host or npipe:////./pipe/docker_engine. Fix DOCKER_HOST.\n',
    );
    assert.deepEqual(world.pulumi.calls(), []);
    assert.equal(fs.existsSync(path.join(world.root, ".pulumi-state")), false);
  });

  it("warns when others may read the passphrase file", async () => {
    const file = path.join(world.root, ".pulumi-state", "passphrase");
    fs.writeFileSync(file, "correct horse\n", { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const run = world.context();

    assert.equal(await run.run(["--stop-full"]), ExitCode.ok, run.stderr.text);
    assert.match(
      run.stderr.text,
      new RegExp(
        `Warning: The passphrase file ${file} is readable by other users \\(mode 0644\\); run \`chmod 600 ${file}\`\\.\n`,
      ),
    );
    assert.doesNotMatch(run.stdout.text + run.stderr.text, /correct horse/);
  });

  it("--stop-full keeps absent levels absent", async () => {
    givenLevels({ infrastructure: "running", features: "running", observability: "absent" });
    const run = world.context();

    assert.equal(await run.run(["--stop-full"]), ExitCode.ok, run.stderr.text);
    assert.deepEqual(levelsNow(), {
      infrastructure: "stopped",
      features: "stopped",
      observability: "absent",
    });
  });

  it("--preview shows the plan and restores the config", async () => {
    givenLevels({ observability: "stopped" });
    world.pulumi.script({
      preview: {
        events: [
          containerStep("pre", "create", "kafka"),
          resourceStep("pre", "create", "docker:index/volume:Volume", "kafka-data"),
          summary({ create: 2, same: 1 }),
        ],
      },
    });
    const run = world.context();

    const code = await run.run(["--start-level", "0", "--preview"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.equal(world.pulumi.callsOf("preview").length, 1);
    assert.equal(world.pulumi.callsOf("up").length, 0);
    assert.deepEqual(levelsNow(), { observability: "stopped" });
    assert.match(
      run.stdout.text,
      /Planned changes \(nothing was applied\):\n  create   container kafka \(level 0\)\n  create   docker:index\/volume:Volume kafka-data\nResources: 2 create, 1 same\.\n$/,
    );
  });

  it("a failed update names the service and shows its last log lines", async () => {
    const kafka = world.addService("kafka", { health: "unhealthy" });
    world.docker.emitLog(kafka.id, 2, "ERROR zookeeper not reachable\n");
    world.pulumi.script({
      up: {
        events: [
          containerStep("pre", "create", "kafka"),
          errorDiagnostic(containerUrn("kafka"), "container exited unexpectedly"),
          containerFailed("kafka"),
        ],
        exitCode: 255,
        stderr: "error: update failed",
      },
    });
    const run = world.context();

    const code = await run.run(["--start-level", "0"]);

    assert.equal(code, ExitCode.failed);
    assert.match(run.stderr.text, /Error: The update of stack dev failed\.\n/);
    assert.match(
      run.stderr.text,
      /Service kafka \(level 0 \(Infrastructure\)\) failed:\n  container exited unexpectedly\n  Last 20 log lines of clinical-mlops-dev-kafka:\n    ERROR zookeeper not reachable\n/,
    );
    assert.doesNotMatch(run.stderr.text, /\n\s+at /);
  });

  it("a locked stack exits with 7 and says how to clear the lock", async () => {
    world.pulumi.script({
      up: {
        exitCode: 255,
        stderr:
          "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file",
      },
    });
    const run = world.context();

    assert.equal(await run.run(["--start-level", "0"]), ExitCode.stackLocked);
    assert.match(run.stderr.text, /Error: Stack dev is locked by another update\./);
    assert.match(run.stderr.text, /pulumi cancel --stack dev/);
  });

  it("Ctrl-C during an update stops pulumi and exits with 130", async () => {
    world.pulumi.script({ up: { waitForInterrupt: true } });
    const run = world.context();

    const result = run.run(["--start-level", "0"]);
    await world.pulumi.waitUntilRunning("up");
    run.interrupt();

    assert.equal(await result, ExitCode.interrupted);
    assert.match(run.stderr.text, /Error: Interrupted; Pulumi stopped the operation\./);
  });

  it("names the daemon it could not reach and changes nothing", async () => {
    givenLevels({});
    const missing = path.join(world.dir, "no-such.sock");
    const run = world.context();
    run.ctx.env.DOCKER_HOST = `unix://${missing}`;

    const code = await run.run(["--start-level", "0"]);

    assert.equal(code, ExitCode.dockerUnreachable);
    assert.match(
      run.stderr.text,
      new RegExp(
        `Error: Cannot reach the Docker daemon at unix://${missing} \\(from DOCKER_HOST\\): connect ENOENT`,
      ),
    );
    assert.match(
      run.stderr.text,
      new RegExp(`Check that the Docker daemon is running, that ${missing} exists`),
    );
    assert.equal(world.pulumi.callsOf("up").length, 0);
    assert.deepEqual(levelsNow(), {});
  });

  it("prefers the dockerHost config over DOCKER_HOST", async () => {
    givenLevels({}, { "clinical-mlops:dockerHost": world.docker.url });
    const run = world.context();
    run.ctx.env.DOCKER_HOST = `unix://${path.join(world.dir, "no-such.sock")}`;

    assert.equal(await run.run(["--stop-full"]), ExitCode.ok, run.stderr.text);
    assert.ok(world.docker.requests.some((request) => request.path === "/_ping"));
  });

  it("keeps the passphrase file private and in place across runs", async () => {
    await world.context().run(["--stop-full"]);
    const file = path.join(world.root, ".pulumi-state", "passphrase");
    const first = fs.readFileSync(file, "utf8");
    const second = world.context();

    await second.run(["--stop-full"]);

    assert.equal(fs.readFileSync(file, "utf8"), first);
    assert.doesNotMatch(second.stderr.text, /Created a random passphrase/);
    assert.doesNotMatch(second.stdout.text + second.stderr.text, new RegExp(first.trim()));
  });
});
