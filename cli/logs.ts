/**
 * `--logs N`: follows the logs of every container of a level, each line prefixed with its service
 * name, until Ctrl-C. Containers that appear later (recreated by an update) are picked up too.
 */
import type { Readable } from "node:stream";

import type Dockerode from "dockerode";

import { levelByNumber, type LevelNumber } from "../levels/model";
import { demultiplex, LineSplitter } from "./container-logs";
import {
  connectDocker,
  describeTarget,
  dockerRequest,
  listStackContainers,
  type StackContainer,
} from "./docker";
import { CliError, ExitCode, errorMessage } from "./errors";
import { SERVICE_COLORS } from "./output";
import type { Session } from "./session";
import { capitalize, levelLabel } from "./transitions";

export interface LogsCommand {
  readonly level: LevelNumber;
  readonly tail: number | "all";
  readonly since?: number;
}

class LevelLogFollower {
  private readonly streams = new Map<string, Readable>();
  /** UNIX seconds at which each container's stream ended; undefined while it is followed. */
  private readonly endedAt = new Map<string, number | undefined>();
  private readonly width: number;
  private readonly order: string[];

  constructor(
    private readonly session: Session,
    private readonly docker: Dockerode,
    level: LevelNumber,
  ) {
    const definition = levelByNumber(level);
    this.order = [...definition.services, ...definition.jobs];
    this.width = Math.max(...this.order.map((name) => name.length));
  }

  private prefix(service: string): string {
    const index = Math.max(0, this.order.indexOf(service));
    const color = SERVICE_COLORS[index % SERVICE_COLORS.length];
    return this.session.printer.out.paint(color, `${service.padEnd(this.width)} |`);
  }

  /**
   * Returns the UNIX time from which to follow a container found by a later scan, or undefined
   * when it needs no new stream: it is followed already, or its stream ended and it is not running
   * again.
   */
  resumeFrom(container: StackContainer, startedAt: number): number | undefined {
    if (!this.endedAt.has(container.id)) {
      return startedAt;
    }
    const endedAt = this.endedAt.get(container.id);
    return endedAt !== undefined && container.state === "running" ? endedAt : undefined;
  }

  /** Starts following one container; `since` and `tail` limit the lines printed first. */
  async follow(container: StackContainer, tail: number | "all", since?: number): Promise<void> {
    const handle = this.docker.getContainer(container.id);
    const tty = (await handle.inspect()).Config?.Tty === true;
    // Unset keys are left out, because docker-modem would send them as empty strings.
    const stream = (await handle.logs({
      follow: true,
      stdout: true,
      stderr: true,
      ...(tail === "all" ? {} : { tail }),
      ...(since === undefined ? {} : { since }),
    })) as unknown as Readable;
    this.streams.set(container.id, stream);
    this.endedAt.set(container.id, undefined);

    const prefix = this.prefix(container.service);
    const print = (line: string) => this.session.printer.line(`${prefix} ${line}`);
    const splitters = { stdout: new LineSplitter(print), stderr: new LineSplitter(print) };
    let rest: Buffer = Buffer.alloc(0);
    stream.on("data", (chunk: Buffer) => {
      if (tty) {
        splitters.stdout.push(chunk);
        return;
      }
      const result = demultiplex(Buffer.concat([rest, chunk]));
      rest = result.rest;
      for (const frame of result.frames) {
        splitters[frame.stream].push(frame.payload);
      }
    });
    const ended = () => {
      this.streams.delete(container.id);
      this.endedAt.set(container.id, Math.floor(this.session.ctx.now() / 1000));
    };
    stream.on("end", () => {
      splitters.stdout.flush();
      splitters.stderr.flush();
      ended();
      this.session.printer.note(
        `${container.service}: log stream ended (the container stopped or was removed).`,
      );
    });
    stream.on("error", ended);
  }

  stop(): void {
    for (const stream of this.streams.values()) {
      stream.removeAllListeners("end");
      stream.destroy();
    }
    this.streams.clear();
  }
}

function waitForInterrupt(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** Follows one container; a container that went away meanwhile only gets a warning. */
async function followOrWarn(
  session: Session,
  follower: LevelLogFollower,
  container: StackContainer,
  tail: number | "all",
  since: number | undefined,
): Promise<void> {
  try {
    await follower.follow(container, tail, since);
  } catch (error) {
    session.printer.warn(
      `Following the log of ${container.service} failed: ${errorMessage(error)}`,
    );
  }
}

/** Follows containers that appeared, or started again, since the last scan. */
async function scanForNewContainers(
  session: Session,
  docker: Dockerode,
  follower: LevelLogFollower,
  command: LogsCommand,
  startedAt: number,
): Promise<void> {
  const current = await listStackContainers(docker, session.stackName, { level: command.level });
  for (const container of current) {
    const from = follower.resumeFrom(container, startedAt);
    if (from !== undefined && !session.ctx.interrupt.aborted) {
      await followOrWarn(session, follower, container, "all", Math.max(from, command.since ?? 0));
    }
  }
}

/** Follows the level's logs until Ctrl-C and returns 0; exits with 8 when the level has no containers. */
export async function runLogs(session: Session, command: LogsCommand): Promise<number> {
  const docker = await connectDocker(session.dockerTarget);
  const containers = await dockerRequest(session.dockerTarget, "list the level's containers", () =>
    listStackContainers(docker, session.stackName, { level: command.level }),
  );
  if (containers.length === 0) {
    const state = session.states[levelByNumber(command.level).key];
    throw new CliError(
      `${capitalize(levelLabel(command.level))} has no containers on ${describeTarget(session.dockerTarget)}; its desired state is ${state}.`,
      ExitCode.notRunning,
      [`Start it with \`pipeline --start-level ${command.level}\`.`],
    );
  }

  const follower = new LevelLogFollower(session, docker, command.level);
  const startedAt = Math.floor(session.ctx.now() / 1000);
  for (const container of containers) {
    await followOrWarn(session, follower, container, command.tail, command.since);
  }
  session.printer.note(`Following the logs of ${levelLabel(command.level)}; press Ctrl-C to stop.`);

  let scanning = false;
  const rescan = setInterval(() => {
    if (scanning) {
      return;
    }
    scanning = true;
    scanForNewContainers(session, docker, follower, command, startedAt)
      .catch((error: unknown) =>
        session.printer.warn(`Listing containers failed: ${errorMessage(error)}`),
      )
      .finally(() => {
        scanning = false;
      });
  }, session.ctx.logRescanMs);

  await waitForInterrupt(session.ctx.interrupt);
  clearInterval(rescan);
  follower.stop();
  return ExitCode.ok;
}
