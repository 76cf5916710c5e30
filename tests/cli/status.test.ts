import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { ExitCode } from "../../cli/errors";
import { IMPLEMENTED_LEVELS, LEVELS, levelByNumber } from "../../levels/model";
import { createWorld, type World } from "./helpers/world";

const LEVELS_KEY = "clinical-mlops:levels";

describe("--status", () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
  });

  afterEach(async () => {
    await world.cleanup();
  });

  function givenLevels(
    levels: Record<string, string>,
    accessPoints?: Record<string, string>,
  ): void {
    const outputs: Record<string, { value: unknown; secret: boolean }> = {};
    if (accessPoints) {
      outputs.accessPoints = { value: accessPoints, secret: false };
    }
    world.pulumi.setStacks({ dev: { config: { [LEVELS_KEY]: levels }, outputs } });
  }

  function addHealthyLevel(level: number): void {
    const definition = levelByNumber(level);
    [...definition.services, ...definition.jobs].forEach((service) => world.addService(service));
  }

  it("reports every service of a running level and fails on unhealthy ones", async () => {
    givenLevels({ infrastructure: "running" }, { minio: "http://minio:pw@localhost:9001" });
    world.addService("minio", {
      ports: [{ IP: "127.0.0.1", PrivatePort: 9001, PublicPort: 9001, Type: "tcp" }],
    });
    world.addService("postgres-mlflow");
    world.addService("postgres-airflow", { status: "exited", exitCode: 137, health: "unhealthy" });
    world.addService("redis", {
      health: undefined,
      ports: [{ IP: "0.0.0.0", PrivatePort: 6379, PublicPort: 16379, Type: "tcp" }],
    });
    world.addService("redis-insight", { health: "starting" });
    world.addService("zookeeper");
    world.addService("kafka", { health: "unhealthy" });
    world.addService("minio-setup", { status: "exited", exitCode: 1 });
    const run = world.context();

    const code = await run.run(["--status"]);

    assert.equal(code, ExitCode.unhealthy, run.stderr.text);
    const level0 = [
      "Level 0 Infrastructure: running",
      "  ✓ minio             healthy  http://minio@localhost:9001/",
      "  ✓ postgres-mlflow   healthy",
      "  ✗ postgres-airflow  exited with code 137",
      "  ✓ redis             running (no health check)  localhost:16379",
      "  ✗ redis-insight     starting",
      "  ✓ zookeeper         healthy",
      "  ✗ kafka             unhealthy",
      "  ✗ kafka-ui          missing",
      "  ✗ minio-setup       failed (exit code 1) (job)",
      "Level 1 Data Ingestion: absent",
    ].join("\n");
    assert.ok(run.stdout.text.includes(`${level0}\n`), run.stdout.text);
    assert.match(
      run.stdout.text,
      /Not healthy although their level is running: postgres-airflow, redis-insight, kafka, kafka-ui, minio-setup\.\n$/,
    );
    assert.match(
      run.stdout.text,
      new RegExp(
        `^Stack dev on unix://${world.docker.socketPath} \\(from DOCKER_HOST\\) \\(Docker 27\\.3\\.1\\)\n`,
      ),
    );
  });

  it("exits 0 when every service of the running levels is healthy", async () => {
    givenLevels({ infrastructure: "running", "data-ingestion": "stopped" });
    addHealthyLevel(0);
    const run = world.context();

    const code = await run.run(["--status"]);

    assert.equal(code, ExitCode.ok, run.stdout.text);
    assert.match(run.stdout.text, /  ✓ minio-setup       completed \(job\)\n/);
    assert.match(
      run.stdout.text,
      /Level 1 Data Ingestion: stopped\nLevel 2 Data Processing: absent\n/,
    );
  });

  it("colours the marks on a terminal unless NO_COLOR is set", async () => {
    givenLevels({ infrastructure: "running" });
    addHealthyLevel(0);
    const terminal = world.context({ stdoutIsTTY: true });
    await terminal.run(["--status"]);
    const noColor = world.context({ stdoutIsTTY: true });
    noColor.ctx.env.NO_COLOR = "1";
    await noColor.run(["--status"]);

    assert.match(terminal.stdout.text, /  \u001b\[32m✓\u001b\[39m minio /);
    assert.doesNotMatch(noColor.stdout.text, /\u001b\[/);
  });

  it("shows leftover containers of a stopped level without failing", async () => {
    givenLevels({ infrastructure: "running", "data-ingestion": "stopped" });
    addHealthyLevel(0);
    world.addService("data-gateway");
    const run = world.context();

    assert.equal(await run.run(["--status"]), ExitCode.ok, run.stdout.text);
    assert.match(
      run.stdout.text,
      /Level 1 Data Ingestion: stopped\n  ✓ data-gateway +healthy  \(the level is stopped\)\n/,
    );
  });

  it("ignores containers of other stacks", async () => {
    givenLevels({ infrastructure: "running" });
    addHealthyLevel(0);
    world.addService("kafka", { id: "prod-kafka", health: "unhealthy" }, "prod");
    const run = world.context();

    assert.equal(await run.run(["--status"]), ExitCode.ok, run.stdout.text);
  });

  it("marks a running level that the program has no services for", async function () {
    const level = LEVELS.find((candidate) => !IMPLEMENTED_LEVELS.includes(candidate.number));
    if (!level) {
      this.skip();
    }
    givenLevels({ [level.key]: "running" });
    const run = world.context();

    assert.equal(await run.run(["--status"]), ExitCode.ok);
    assert.match(
      run.stdout.text,
      new RegExp(
        `Level ${level.number} ${level.title}: running\n  \\(the program declares no services for this level yet\\)\n`,
      ),
    );
  });

  it("treats a stack that does not exist as all absent", async () => {
    const run = world.context();

    assert.equal(await run.run(["--status"]), ExitCode.ok, run.stderr.text);
    assert.match(
      run.stdout.text,
      /The stack does not exist yet; start a level with `pipeline --start-level 0`\.\n/,
    );
    assert.match(run.stdout.text, /Level 0 Infrastructure: absent\n/);
    assert.equal(world.pulumi.callsOf("stack init").length, 0);
  });

  it("names the socket it could not reach", async () => {
    givenLevels({ infrastructure: "running" });
    const missing = path.join(world.dir, "gone", "docker.sock");
    const run = world.context();
    run.ctx.env.DOCKER_HOST = `unix://${missing}`;

    assert.equal(await run.run(["--status"]), ExitCode.dockerUnreachable);
    assert.match(
      run.stderr.text,
      new RegExp(`Cannot reach the Docker daemon at unix://${missing} \\(from DOCKER_HOST\\)`),
    );
  });

  it("prefers the running container of a service and names the extra one", async () => {
    givenLevels({ infrastructure: "running" });
    addHealthyLevel(0);
    const kafka = world.docker.containers.findIndex((c) => c.name === "clinical-mlops-dev-kafka");
    // An old container listed first, as Docker may list one left behind by a failed replace.
    world.docker.containers.splice(kafka, 0, {
      ...world.docker.containers[kafka],
      id: "old-kafka",
      name: "clinical-mlops-dev-kafka-old",
      status: "exited",
      exitCode: 137,
    });
    const run = world.context();

    assert.equal(await run.run(["--status"]), ExitCode.ok, run.stdout.text);
    assert.match(
      run.stdout.text,
      /\n  ✓ kafka             healthy  \(also labelled with this service: clinical-mlops-dev-kafka-old \(exited\)\)\n/,
    );
  });

  it("creates no state folder or passphrase file", async () => {
    givenLevels({ infrastructure: "running" });
    addHealthyLevel(0);
    const run = world.context();

    assert.equal(await run.run(["--status"]), ExitCode.ok, run.stderr.text);
    assert.equal(fs.existsSync(path.join(world.root, ".pulumi-state", "passphrase")), false);
    assert.doesNotMatch(run.stderr.text, /passphrase/);
    const [select] = world.pulumi.callsOf("stack select");
    assert.equal(select.env.PULUMI_CONFIG_PASSPHRASE_FILE, undefined);

    fs.rmSync(path.join(world.root, ".pulumi-state"), { recursive: true });
    const fresh = world.context();
    assert.equal(await fresh.run(["--status"]), ExitCode.ok, fresh.stderr.text);
    assert.match(fresh.stdout.text, /The stack does not exist yet;/);
    assert.equal(fs.existsSync(path.join(world.root, ".pulumi-state")), false);
    assert.equal(world.pulumi.callsOf("stack select").length, 1);
  });
});
