/**
 * Everything a stack command needs before it runs: the Pulumi CLI, the backend, the stack, its
 * level config and the Docker host.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import type { PulumiCommand, Stack } from "@pulumi/pulumi/automation";

import type { LevelStates } from "../levels/model";
import type { CliOptions } from "./args";
import { resolveBackend, type BackendSettings } from "./backend";
import { resolveDockerTarget, type DockerTarget } from "./docker";
import { CliError, ExitCode } from "./errors";
import type { OutputStream, Printer } from "./output";
import { askYesNo } from "./prompt";
import { locatePulumi } from "./pulumi-cli";
import { openStack, readStackSettings, type LevelConfig } from "./stack";
import { completeLevelStates } from "./transitions";

/** The process around the CLI; tests pass their own streams, environment and timings. */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Folder that contains Pulumi.yaml; the workspace runs there. */
  readonly projectRoot: string;
  /** Aborted on the first Ctrl-C. */
  readonly interrupt: AbortSignal;
  /** Interval in ms between health polls of `--restart-level`. */
  readonly pollIntervalMs: number;
  /** Interval in ms between scans for new containers in `--logs`. */
  readonly logRescanMs: number;
  /** Current time in ms since the epoch. */
  readonly now: () => number;
}

export interface Session {
  readonly ctx: CliContext;
  readonly printer: Printer;
  readonly options: CliOptions;
  readonly stackName: string;
  /** Undefined when a read-only command finds no stack. */
  readonly stack: Stack | undefined;
  /** The levels map as written in the config; missing keys mean absent. */
  readonly levelConfig: LevelConfig;
  /** Desired state of every level. */
  readonly states: LevelStates;
  readonly dockerTarget: DockerTarget;
  /** True when stdin is a terminal, so the CLI may ask questions. */
  readonly interactive: boolean;
}

function checkProjectRoot(projectRoot: string): void {
  if (!fs.existsSync(path.join(projectRoot, "Pulumi.yaml"))) {
    throw new CliError(
      `No Pulumi.yaml in ${projectRoot}: the pipeline command runs the clinical-mlops Pulumi project there.`,
      ExitCode.usage,
      ["Run it from a complete checkout of the repository (npx pipeline or npm run pipeline)."],
    );
  }
}

async function openStackIfPresent(
  ctx: CliContext,
  options: CliOptions,
  pulumiCommand: PulumiCommand,
  backend: BackendSettings,
  create: boolean,
): Promise<Stack | undefined> {
  if (!create && backend.stateMissing) {
    // Without the default state folder no stack exists, so a read-only command skips Pulumi.
    return undefined;
  }
  return openStack({
    projectRoot: ctx.projectRoot,
    stackName: options.stack,
    pulumiCommand,
    envVars: backend.envVars,
    create,
  });
}

/**
 * Prepares a stack command. With `create`, a missing stack is created, as the start and stop
 * commands need. Read-only commands pass false: they create no stack, state folder or passphrase
 * file, and treat a missing stack as all levels absent.
 */
export async function openSession(
  ctx: CliContext,
  printer: Printer,
  options: CliOptions,
  create: boolean,
): Promise<Session> {
  // An invalid DOCKER_HOST is rejected before anything is installed or created, even when the
  // stack's dockerHost config would take precedence: that config can only be read from the stack.
  resolveDockerTarget(undefined, ctx.env);
  checkProjectRoot(ctx.projectRoot);

  const interactive = ctx.stdin.isTTY === true;
  const pulumiCommand = await locatePulumi(
    ctx.env,
    (text) => printer.note(text),
    interactive ? (question) => askYesNo(ctx, question) : undefined,
  );

  const backend = resolveBackend(ctx.projectRoot, ctx.env, options.backend, create);
  if (backend.createdPassphraseFile) {
    printer.note(
      `Created a random passphrase for the stack's secrets in ${backend.createdPassphraseFile} (mode 0600). ` +
        "Keep this file: the stack's secrets cannot be decrypted without it.",
    );
  }
  backend.warnings.forEach((warning) => printer.warn(warning));

  const stack = await openStackIfPresent(ctx, options, pulumiCommand, backend, create);
  const settings = stack ? await readStackSettings(stack) : { levels: {}, dockerHost: undefined };
  return {
    ctx,
    printer,
    options,
    stackName: options.stack,
    stack,
    levelConfig: settings.levels,
    states: completeLevelStates(settings.levels),
    dockerTarget: resolveDockerTarget(settings.dockerHost, ctx.env),
    interactive,
  };
}
