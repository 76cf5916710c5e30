/**
 * End-to-end check of the `pipeline` command against a real Docker Engine and pulumi CLI:
 * start level 0, check that --status is healthy, stop it, check that its volumes survived, start
 * it again, then remove everything with --clean-all --yes.
 *
 * Run it with `npm run test:e2e`. It exits 0 with a message, doing nothing, when the pulumi CLI or
 * a Docker daemon is missing. It uses the stack `e2e` (E2E_STACK overrides it) and removes that
 * stack at the end. Set E2E_PORT_OFFSET when another stack of this project publishes the default
 * host ports on the same daemon.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import type Dockerode from "dockerode";

import { resolveBackend } from "../../cli/backend";
import {
  connectDocker,
  listStackContainers,
  listStackVolumes,
  resolveDockerTarget,
} from "../../cli/docker";
import { ExitCode, errorMessage } from "../../cli/errors";
import { findPulumiExecutable, locatePulumi } from "../../cli/pulumi-cli";
import { openStack } from "../../cli/stack";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const STACK = process.env.E2E_STACK ?? "e2e";

function log(message: string): void {
  process.stdout.write(`[e2e] ${message}\n`);
}

function skip(reason: string): never {
  log(`SKIPPED: ${reason}`);
  process.exit(0);
}

/** Runs `pipeline --stack <stack> ...args` with the terminal attached and returns the exit code. */
function pipeline(...args: string[]): number {
  log(`pipeline --stack ${STACK} ${args.join(" ")}`);
  const result = spawnSync(
    process.execPath,
    [path.join(PROJECT_ROOT, "bin", "pipeline.js"), "--stack", STACK, ...args],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  return result.status ?? ExitCode.failed;
}

function expectExit(code: number, expected: number, step: string): void {
  if (code !== expected) {
    throw new Error(`${step} exited with ${code}, expected ${expected}`);
  }
}

async function checkPrerequisites(): Promise<Dockerode> {
  if (!findPulumiExecutable(process.env)) {
    skip("the pulumi CLI is not installed (see docs/pipeline.md, Prerequisites).");
  }
  const target = resolveDockerTarget(undefined, process.env);
  try {
    return await connectDocker(target);
  } catch (error) {
    return skip(errorMessage(error));
  }
}

/** Sets the port offset of the e2e stack, or removes the stack and its settings file at the end. */
async function withStack(action: "prepare" | "remove"): Promise<void> {
  const backend = resolveBackend(PROJECT_ROOT, process.env, undefined);
  const pulumiCommand = await locatePulumi(process.env, log);
  const stack = await openStack({
    projectRoot: PROJECT_ROOT,
    stackName: STACK,
    pulumiCommand,
    envVars: backend.envVars,
    create: action === "prepare",
  });
  if (!stack) {
    return;
  }
  if (action === "prepare") {
    const offset = process.env.E2E_PORT_OFFSET;
    if (offset !== undefined && offset !== "") {
      await stack.setConfig("clinical-mlops:portOffset", { value: offset, secret: false });
    }
    return;
  }
  await stack.workspace.removeStack(STACK);
  fs.rmSync(path.join(PROJECT_ROOT, `Pulumi.${STACK}.yaml`), { force: true });
}

async function runScenario(docker: Dockerode): Promise<void> {
  expectExit(pipeline("--start-level", "0"), ExitCode.ok, "--start-level 0");
  expectExit(pipeline("--status"), ExitCode.ok, "--status after the start");

  expectExit(pipeline("--stop-level", "0"), ExitCode.ok, "--stop-level 0");
  const containers = await listStackContainers(docker, STACK, { level: 0 });
  if (containers.length > 0) {
    throw new Error(
      `--stop-level 0 left ${containers.length} containers: ${containers.map((c) => c.name).join(", ")}`,
    );
  }
  const volumes = await listStackVolumes(docker, STACK, 0);
  if (volumes.length === 0) {
    throw new Error("--stop-level 0 deleted the level's volumes; they must be kept");
  }
  log(`volumes kept after the stop: ${volumes.map((volume) => volume.Name).join(", ")}`);

  expectExit(pipeline("--start-level", "0"), ExitCode.ok, "--start-level 0 after the stop");
  expectExit(pipeline("--status"), ExitCode.ok, "--status after the restart");

  expectExit(pipeline("--clean-all", "--yes"), ExitCode.ok, "--clean-all --yes");
  const leftovers = [
    ...(await listStackContainers(docker, STACK)).map((container) => container.name),
    ...(await listStackVolumes(docker, STACK)).map((volume) => volume.Name),
  ];
  if (leftovers.length > 0) {
    throw new Error(`--clean-all left these behind: ${leftovers.join(", ")}`);
  }
}

async function main(): Promise<void> {
  const docker = await checkPrerequisites();
  await withStack("prepare");
  try {
    await runScenario(docker);
    log("PASSED");
  } catch (error) {
    log(`FAILED: ${errorMessage(error)}`);
    log("cleaning up with --clean-all --yes");
    pipeline("--clean-all", "--yes");
    process.exitCode = ExitCode.failed;
  } finally {
    await withStack("remove");
  }
}

main().catch((error: unknown) => {
  log(`FAILED: ${errorMessage(error)}`);
  process.exitCode = ExitCode.failed;
});
