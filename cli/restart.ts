/**
 * `--restart-level N`: restarts the level's service containers one by one, in the level model's
 * start order, and waits for each to become healthy before the next. Volumes are untouched and
 * jobs are not run again.
 */
import type Dockerode from "dockerode";

import { levelByNumber, type LevelNumber } from "../levels/model";
import { readLogTail } from "./container-logs";
import {
  connectDocker,
  dockerRequest,
  listStackContainers,
  type DockerTarget,
  type StackContainer,
} from "./docker";
import { CliError, ExitCode, errorMessage } from "./errors";
import { lastHealthOutput, liveStateOf } from "./live-state";
import { FAILURE_LOG_LINES } from "./report";
import type { Session } from "./session";
import { capitalize, levelLabel, restartRejection } from "./transitions";

/** Seconds Docker waits after SIGTERM before it kills a container during a restart. */
export const RESTART_STOP_TIMEOUT_SECONDS = 30;

export interface RestartCommand {
  readonly level: LevelNumber;
  readonly timeoutSeconds: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function logDetails(docker: Dockerode, container: StackContainer): Promise<string[]> {
  try {
    const lines = await readLogTail(docker, container.id, FAILURE_LOG_LINES);
    return [
      `Last ${FAILURE_LOG_LINES} log lines of ${container.name}:`,
      ...(lines.length > 0 ? lines.map((line) => `  ${line}`) : ["  (empty log)"]),
    ];
  } catch (error) {
    return [`(logs unavailable: ${errorMessage(error)})`];
  }
}

/** Polls the container until it is healthy; throws a `CliError` naming the service otherwise. */
async function waitHealthy(
  session: Session,
  docker: Dockerode,
  container: StackContainer,
  timeoutSeconds: number,
): Promise<number> {
  const started = session.ctx.now();
  const deadline = started + timeoutSeconds * 1000;
  const target = session.dockerTarget;
  for (;;) {
    const info = await dockerRequest(target, `inspect container ${container.name}`, () =>
      docker.getContainer(container.id).inspect(),
    );
    const state = info.State;
    const live = liveStateOf(state, "service");
    if (live.ok) {
      return Math.round((session.ctx.now() - started) / 1000);
    }
    if (!state.Running && !state.Restarting) {
      throw new CliError(
        `${container.service} ${live.label} after the restart.`,
        ExitCode.failed,
        await logDetails(docker, container),
      );
    }
    if (session.ctx.now() >= deadline) {
      const check = lastHealthOutput(state);
      throw new CliError(
        `${container.service} did not become healthy within ${timeoutSeconds} s after the restart; it is ${live.label}.`,
        ExitCode.failed,
        [
          ...(check ? [`Last health check output: ${check}`] : []),
          ...(await logDetails(docker, container)),
          "Raise the wait with --timeout SECONDS if the service is only slow to start.",
        ],
      );
    }
    await sleep(session.ctx.pollIntervalMs, session.ctx.interrupt);
    if (session.ctx.interrupt.aborted) {
      throw new CliError(
        `Interrupted while waiting for ${container.service}; later services were not restarted.`,
        ExitCode.interrupted,
      );
    }
  }
}

function containersInOrder(level: LevelNumber, containers: StackContainer[]): StackContainer[] {
  const services = levelByNumber(level).services;
  const missing = services.filter((service) => !containers.some((c) => c.service === service));
  if (missing.length > 0) {
    throw new CliError(
      `${capitalize(levelLabel(level))} has no container for ${missing.join(", ")}.`,
      ExitCode.notRunning,
      [`Run \`pipeline --start-level ${level}\` to recreate them, then restart again if needed.`],
    );
  }
  return services.map((service) => containers.find((c) => c.service === service) as StackContainer);
}

function interruptedBefore(
  container: StackContainer,
  restarted: readonly StackContainer[],
): CliError {
  const done = restarted.map((entry) => entry.service);
  return new CliError(
    `Interrupted before restarting ${container.service}; it and later services were not restarted.`,
    ExitCode.interrupted,
    [done.length > 0 ? `Restarted and healthy: ${done.join(", ")}.` : "No service was restarted."],
  );
}

async function restartOne(
  target: DockerTarget,
  docker: Dockerode,
  container: StackContainer,
): Promise<void> {
  await dockerRequest(target, `restart container ${container.name}`, () =>
    docker.getContainer(container.id).restart({ t: RESTART_STOP_TIMEOUT_SECONDS }),
  );
}

/**
 * Restarts the level's services in order and returns 0 when all of them are healthy again. Ctrl-C
 * stops before the next service.
 */
export async function runRestart(session: Session, command: RestartCommand): Promise<number> {
  const rejection = restartRejection(session.states, command.level);
  if (rejection) {
    throw new CliError(rejection, ExitCode.notRunning);
  }
  const target = session.dockerTarget;
  const docker = await connectDocker(target);
  const all = await dockerRequest(target, "list the level's containers", () =>
    listStackContainers(docker, session.stackName, { level: command.level }),
  );
  const ordered = containersInOrder(command.level, all);

  const restarted: StackContainer[] = [];
  for (const container of ordered) {
    if (session.ctx.interrupt.aborted) {
      throw interruptedBefore(container, restarted);
    }
    session.printer.note(`Restarting ${container.service} ...`);
    await restartOne(target, docker, container);
    const seconds = await waitHealthy(session, docker, container, command.timeoutSeconds);
    session.printer.line(`${container.service} is healthy after ${seconds} s.`);
    restarted.push(container);
  }
  const noun = ordered.length === 1 ? "service" : "services";
  session.printer.line(`Restarted ${ordered.length} ${noun} of ${levelLabel(command.level)}.`);
  return ExitCode.ok;
}
