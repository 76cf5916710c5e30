/**
 * The start, stop and clean commands: plan the level transition, confirm it, then preview it or
 * write the levels config and run `pulumi up` (or `pulumi destroy` for `--clean-all`).
 */
import type { EngineEvent, OutputMap, Stack } from "@pulumi/pulumi/automation";
import type Dockerode from "dockerode";

import { IMPLEMENTED_LEVELS, LEVELS, LEVEL_KEYS, type LevelNumber } from "../levels/model";
import type { Command } from "./args";
import { connectDocker, dockerRequest, listStackVolumes } from "./docker";
import { CliError, ExitCode, pulumiStderr } from "./errors";
import { PlanCollector } from "./events";
import { previewImageRemoval, removeLeftovers } from "./leftovers";
import { UpdateProgress } from "./progress";
import { askTypedYes, askYesNo } from "./prompt";
import {
  describeFailures,
  printAccessPoints,
  printPlan,
  printPreview,
  printVolumes,
} from "./report";
import type { Session } from "./session";
import {
  accessPointsFrom,
  translatePulumiError,
  writeLevelConfig,
  type LevelConfig,
} from "./stack";
import {
  confirmationFor,
  decideConfirmation,
  levelLabel,
  planTransition,
  startRejection,
  type Confirmation,
  type TransitionCommand,
  type TransitionPlan,
} from "./transitions";

/** Lines of Pulumi's own error output shown when no resource reported an error. */
const FALLBACK_ERROR_LINES = 20;

/** Returns the config map to write: changed levels get their new state, the rest stay as written. */
export function configAfter(before: LevelConfig, plan: TransitionPlan): LevelConfig {
  const after: LevelConfig = { ...before };
  for (const key of LEVEL_KEYS) {
    if ((before[key] ?? "absent") !== plan.target[key]) {
      after[key] = plan.target[key];
    }
  }
  return after;
}

function runningLevels(plan: TransitionPlan): LevelNumber[] {
  return LEVELS.filter((level) => plan.target[level.key] === "running").map(
    (level) => level.number,
  );
}

async function volumesToDelete(
  docker: Dockerode,
  session: Session,
  plan: TransitionPlan,
): Promise<Dockerode.VolumeInspectInfo[]> {
  if (plan.command.kind !== "stop-level-full" && plan.command.kind !== "clean-all") {
    return [];
  }
  const level = plan.command.kind === "stop-level-full" ? plan.command.level : undefined;
  return dockerRequest(session.dockerTarget, "list the volumes to delete", () =>
    listStackVolumes(docker, session.stackName, level),
  );
}

function confirmQuestion(session: Session, plan: TransitionPlan): string {
  const command = plan.command;
  if (command.kind === "stop-level-full") {
    return `Make ${levelLabel(command.level)} absent and delete its volumes? This cannot be undone.`;
  }
  return `This removes every container, volume, network and image of stack ${session.stackName}.`;
}

async function confirm(
  session: Session,
  plan: TransitionPlan,
  confirmation: Confirmation,
): Promise<void> {
  const decision = decideConfirmation(confirmation, {
    yes: session.options.yes,
    preview: session.options.preview,
    interactive: session.interactive,
  });
  if (decision === "proceed") {
    return;
  }
  const flag = `--${plan.command.kind}`;
  if (decision === "reject") {
    throw new CliError(
      `${flag} deletes data and needs a confirmation, but stdin is not a terminal. Pass --yes to confirm.`,
      ExitCode.notConfirmed,
    );
  }
  const question = confirmQuestion(session, plan);
  const confirmed =
    confirmation === "type-yes"
      ? await askTypedYes(session.ctx, question)
      : await askYesNo(session.ctx, question);
  if (!confirmed) {
    throw new CliError(`${flag} was not confirmed; nothing was changed.`, ExitCode.notConfirmed);
  }
}

async function preview(
  session: Session,
  stack: Stack,
  plan: TransitionPlan,
  progress: UpdateProgress,
): Promise<void> {
  const collector = new PlanCollector(session.stackName);
  const options = {
    onEvent: (event: EngineEvent) => {
      collector.handle(event);
      progress.handle(event);
    },
    color: "never" as const,
    signal: session.ctx.interrupt,
    refresh: true,
  };
  let changeSummary: Record<string, number | undefined>;
  if (plan.operation === "destroy") {
    changeSummary = (await stack.previewDestroy(options)).changeSummary;
  } else {
    // Pulumi previews the config in Pulumi.<stack>.yaml, so the target map is written for the
    // preview and the previous map is restored afterwards.
    const after = configAfter(session.levelConfig, plan);
    await writeLevelConfig(stack, session.levelConfig, after);
    try {
      changeSummary = (await stack.preview(options)).changeSummary;
    } finally {
      await writeLevelConfig(stack, after, session.levelConfig);
    }
  }
  printPreview(session.printer, collector.steps, changeSummary);
}

/** Writes the config and runs the update; returns the stack outputs after `up`, none after `destroy`. */
async function update(
  session: Session,
  stack: Stack,
  plan: TransitionPlan,
  progress: UpdateProgress,
): Promise<OutputMap> {
  await writeLevelConfig(stack, session.levelConfig, configAfter(session.levelConfig, plan));
  const options = {
    onEvent: progress.handle,
    color: "never" as const,
    signal: session.ctx.interrupt,
    // Refreshing first makes containers removed by hand visible, so the update recreates them.
    refresh: true,
  };
  if (plan.operation === "destroy") {
    await stack.destroy(options);
    return {};
  }
  return (await stack.up(options)).outputs;
}

/** Turns a failed preview or update into a `CliError` that names failed services with their logs. */
async function failureError(
  error: unknown,
  session: Session,
  docker: Dockerode,
  progress: UpdateProgress,
): Promise<unknown> {
  if (session.ctx.interrupt.aborted) {
    return new CliError("Interrupted; Pulumi stopped the operation.", ExitCode.interrupted, [
      "Containers may be half-way. Run the same command again to finish it,",
      "or run `pipeline --status` to see what runs.",
    ]);
  }
  const translated = translatePulumiError(error, session.stackName);
  if (translated instanceof CliError) {
    return translated;
  }
  const details = await describeFailures(docker, session.stackName, progress.failures);
  details.push(...progress.otherErrors);
  if (details.length === 0) {
    details.push(...pulumiStderr(error).split("\n").slice(-FALLBACK_ERROR_LINES));
  }
  const operation = session.options.preview ? "preview" : "update";
  return new CliError(`The ${operation} of stack ${session.stackName} failed.`, ExitCode.failed, [
    ...details,
    session.options.preview
      ? "Nothing was applied."
      : "The levels config holds the new states; fix the cause and run the same command again.",
  ]);
}

function printResult(
  session: Session,
  plan: TransitionPlan,
  progress: UpdateProgress,
  outputs: OutputMap,
): void {
  for (const line of progress.summary()) {
    session.printer.line(line);
  }
  const running = runningLevels(plan);
  if (running.length > 0) {
    printAccessPoints(session.printer, accessPointsFrom(outputs), running);
  }
  session.printer.line(`Done: stack ${session.stackName} is up to date.`);
}

/**
 * Throws a usage `CliError` for a command that no stack state can make valid, such as starting a
 * level without services. `runCli` calls it before it looks for pulumi or creates the state
 * folder, the passphrase file or the stack, so a rejected command changes nothing.
 */
export function rejectBeforeStack(command: Command): void {
  if (command.kind !== "start-level") {
    return;
  }
  const rejection = startRejection(command, IMPLEMENTED_LEVELS);
  if (rejection) {
    throw new CliError(rejection, ExitCode.usage);
  }
}

/** Runs a start, stop or clean command and returns the exit code. */
export async function runTransition(session: Session, command: TransitionCommand): Promise<number> {
  const stack = session.stack;
  if (!stack) {
    throw new Error("runTransition needs an open stack");
  }
  const plan = planTransition(session.states, command, IMPLEMENTED_LEVELS);
  printPlan(session.printer, plan, session.stackName);

  const docker = await connectDocker(session.dockerTarget);
  const volumes = await volumesToDelete(docker, session, plan);
  if (plan.volumeDeletionLevels.length > 0) {
    printVolumes(session.printer, plan, volumes, session.options.preview);
  }
  await confirm(session, plan, confirmationFor(plan, volumes.length));
  if (session.ctx.interrupt.aborted) {
    throw new CliError(
      "Interrupted before the update started; nothing was changed.",
      ExitCode.interrupted,
    );
  }

  // A preview collects failures like an update but prints no progress, since nothing starts.
  const report = session.options.preview ? () => {} : (line: string) => session.printer.note(line);
  const progress = new UpdateProgress(session.stackName, runningLevels(plan), report);
  let outputs: OutputMap = {};
  try {
    if (session.options.preview) {
      await preview(session, stack, plan, progress);
    } else {
      outputs = await update(session, stack, plan, progress);
    }
  } catch (error) {
    throw await failureError(error, session, docker, progress);
  }
  if (session.options.preview) {
    await previewImageRemoval(docker, session, plan);
    return ExitCode.ok;
  }
  await removeLeftovers(docker, session, plan, volumes);
  printResult(session, plan, progress, outputs);
  return ExitCode.ok;
}
