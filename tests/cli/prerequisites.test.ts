import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { ExitCode } from "../../cli/errors";
import { findPulumiExecutable } from "../../cli/pulumi-cli";
import { makeProjectRoot, makeTempDir, testContext } from "./helpers/context";
import { FakePulumi } from "./helpers/fake-pulumi";
import { createWorld, type World } from "./helpers/world";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

describe("prerequisites", () => {
  let dir: string;
  let root: string;
  let emptyBin: string;

  beforeEach(() => {
    dir = makeTempDir("prereq");
    root = makeProjectRoot(dir);
    emptyBin = path.join(dir, "empty-bin");
    fs.mkdirSync(emptyBin);
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Returns a socket path that does not exist, so no test can reach a real daemon. */
  function noDocker(): string {
    return `unix://${path.join(dir, "no-docker.sock")}`;
  }

  it("explains how to install pulumi when it is missing", async () => {
    const run = testContext({
      projectRoot: root,
      env: { PATH: emptyBin, HOME: dir, DOCKER_HOST: noDocker() },
    });

    const code = await run.run(["--start-level", "0"]);

    assert.equal(code, ExitCode.pulumiMissing);
    assert.match(
      run.stderr.text,
      /^Error: The pulumi CLI was not found on PATH, in ~\/\.pulumi\/bin or in ~\/\.pulumi\/versions\.\n/,
    );
    assert.match(run.stderr.text, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    assert.match(
      run.stderr.text,
      /Run this command in a terminal to have it offer to install the CLI for you\./,
    );
    assert.equal(fs.existsSync(path.join(root, ".pulumi-state")), false);
  });

  it("offers the install on a terminal and respects a no", async () => {
    const run = testContext({
      projectRoot: root,
      env: { PATH: emptyBin, HOME: dir, DOCKER_HOST: noDocker() },
      interactive: true,
    });
    run.stdin.write("n\n");

    const code = await run.run(["--status"]);

    assert.equal(code, ExitCode.pulumiMissing);
    assert.match(
      run.stderr.text,
      /The pulumi CLI was not found\. Download and install Pulumi 3\.\d+\.\d+ into ~\/\.pulumi\/versions\/3\.\d+\.\d+\? \[y\/N\] /,
    );
  });

  it("cancels the install offer on Ctrl-C", async () => {
    const run = testContext({
      projectRoot: root,
      env: { PATH: emptyBin, HOME: dir, DOCKER_HOST: noDocker() },
      interactive: true,
    });

    const result = run.run(["--start-level", "0"]);
    const deadline = Date.now() + 5000;
    while (!run.stderr.text.endsWith("[y/N] ") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    run.interrupt();
    run.stdin.write("n\n");

    assert.equal(await result, ExitCode.interrupted);
    assert.match(run.stderr.text, /\nError: Cancelled with Ctrl-C; nothing was changed\.\n$/);
    assert.equal(fs.existsSync(path.join(dir, ".pulumi")), false);
    assert.equal(fs.existsSync(path.join(root, ".pulumi-state")), false);
  });

  it("finds pulumi in ~/.pulumi/bin when PATH lacks it", () => {
    const fake = new FakePulumi(path.join(dir, "fake"));
    const installed = path.join(dir, ".pulumi", "bin");
    fs.mkdirSync(installed, { recursive: true });
    fs.copyFileSync(path.join(fake.binDir, "pulumi"), path.join(installed, "pulumi"));
    fs.chmodSync(path.join(installed, "pulumi"), 0o755);

    assert.equal(
      findPulumiExecutable({ PATH: emptyBin, HOME: dir }),
      path.join(installed, "pulumi"),
    );
  });

  it("reports a pulumi that does not run", async () => {
    const brokenBin = path.join(dir, "broken", "bin");
    fs.mkdirSync(brokenBin, { recursive: true });
    fs.writeFileSync(
      path.join(brokenBin, "pulumi"),
      "#!/bin/sh\necho 'broken install' >&2\nexit 3\n",
      { mode: 0o755 },
    );
    const run = testContext({
      projectRoot: root,
      env: { PATH: brokenBin, HOME: dir, DOCKER_HOST: noDocker() },
    });

    assert.equal(await run.run(["--status"]), ExitCode.pulumiMissing);
    assert.match(
      run.stderr.text,
      new RegExp(`^Error: The pulumi CLI at ${brokenBin}/pulumi did not run: broken install\n`),
    );
    assert.match(
      run.stderr.text,
      /Reinstall it \(https:\/\/www\.pulumi\.com\/docs\/iac\/download-install\/\) and try again\.\n$/,
    );
  });

  it("rejects a project root without Pulumi.yaml", async () => {
    const fake = new FakePulumi(path.join(dir, "fake"));
    fs.rmSync(path.join(root, "Pulumi.yaml"));
    const run = testContext({
      projectRoot: root,
      env: { PATH: fake.binDir, HOME: dir, DOCKER_HOST: noDocker() },
    });

    assert.equal(await run.run(["--status"]), ExitCode.usage);
    assert.match(run.stderr.text, new RegExp(`Error: No Pulumi.yaml in ${root}:`));
  });
});

describe("unreachable Docker daemon", () => {
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

  for (const argv of [
    ["--logs", "0"],
    ["--restart-level", "0"],
    ["--stop-level", "0"],
  ]) {
    it(`${argv[0]} names a TCP host that refuses connections`, async () => {
      const run = world.context();
      // Port 1 on loopback has no listener, so the connection is refused at once.
      run.ctx.env.DOCKER_HOST = "tcp://127.0.0.1:1";

      assert.equal(await run.run(argv), ExitCode.dockerUnreachable);
      assert.match(
        run.stderr.text,
        /Error: Cannot reach the Docker daemon at tcp:\/\/127\.0\.0\.1:1 \(from DOCKER_HOST\): connect ECONNREFUSED/,
      );
      assert.match(run.stderr.text, /Check that a Docker daemon listens on 127\.0\.0\.1:1/);
    });
  }
});

describe("bin/pipeline.js", () => {
  function runBin(args: string[], env: NodeJS.ProcessEnv) {
    return spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "pipeline.js"), ...args], {
      // A socket path that does not exist, so the command can never reach a real daemon.
      env: { DOCKER_HOST: "unix:///nonexistent/pipeline-test/docker.sock", ...env },
      encoding: "utf8",
      timeout: 30000,
    });
  }

  it("prints the version", () => {
    const result = runBin(["--version"], { PATH: "" });
    assert.equal(result.status, ExitCode.ok, result.stderr);
    assert.match(
      result.stdout,
      /^pipeline \d+\.\d+\.\d+ \(clinical-mlops, @pulumi\/pulumi \d+\.\d+\.\d+\)\n$/,
    );
  });

  it("rejects a level outside 0 to 5 with the valid range", () => {
    const result = runBin(["--start-level", "6"], { PATH: "" });
    assert.equal(result.status, ExitCode.usage);
    assert.equal(
      result.stderr,
      'Error: Invalid level "6" for --start-level: levels are numbered 0 to 5. Run `pipeline --help` for usage.\n',
    );
  });

  it("exits 5 without a stack trace when pulumi is missing", () => {
    const home = makeTempDir("bin-home");
    try {
      const result = runBin(["--status"], { PATH: home, HOME: home, NO_COLOR: "1" });
      assert.equal(result.status, ExitCode.pulumiMissing, result.stderr);
      assert.match(result.stderr, /^Error: The pulumi CLI was not found/);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
