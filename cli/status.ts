/**
 * `--status`: the desired state of every level from the stack config, and the live state of every
 * service and job from the Docker daemon, found by label.
 */
import type Dockerode from "dockerode";

import { IMPLEMENTED_LEVELS, LEVELS, type LevelDefinition } from "../levels/model";
import {
  connectDocker,
  describeTarget,
  dockerRequest,
  dockerRequestError,
  isNotFound,
  listStackContainers,
  type DockerTarget,
  type StackContainer,
} from "./docker";
import { ExitCode, errorMessage } from "./errors";
import { liveStateOf, type LiveState } from "./live-state";
import { redactUrl, type Style } from "./output";
import type { Session } from "./session";
import { readAccessPoints } from "./stack";

interface Row {
  readonly name: string;
  readonly job: boolean;
  readonly live: LiveState;
  readonly url?: string;
  /** Other containers that carry the same service label, with their state, for a notice. */
  readonly extra: readonly string[];
}

function publishedUrl(container: StackContainer): string | undefined {
  const port = container.ports.find(
    (candidate) => candidate.PublicPort !== undefined && candidate.PublicPort > 0,
  );
  if (!port) {
    return undefined;
  }
  const wildcard =
    port.IP === undefined || port.IP === "" || port.IP === "0.0.0.0" || port.IP === "::";
  return `${wildcard ? "localhost" : port.IP}:${port.PublicPort}`;
}

async function inspectState(
  docker: Dockerode,
  target: DockerTarget,
  container: StackContainer | undefined,
) {
  if (!container) {
    return undefined;
  }
  try {
    return (await docker.getContainer(container.id).inspect()).State;
  } catch (error) {
    if (isNotFound(error)) {
      // The container went away between the list and the inspect; report it as missing.
      return undefined;
    }
    throw dockerRequestError(error, target, `inspect container ${container.name}`);
  }
}

/** Returns the container that represents a service: a running one first, else the first listed. */
function pickContainer(candidates: readonly StackContainer[]): StackContainer | undefined {
  return candidates.find((candidate) => candidate.state === "running") ?? candidates[0];
}

async function rowsFor(
  docker: Dockerode,
  target: DockerTarget,
  level: LevelDefinition,
  containers: readonly StackContainer[],
  accessPoints: Record<string, string>,
): Promise<Row[]> {
  const entries = [
    ...level.services.map((name) => ({ name, job: false })),
    ...level.jobs.map((name) => ({ name, job: true })),
  ];
  const rows: Row[] = [];
  for (const entry of entries) {
    const candidates = containers.filter((candidate) => candidate.service === entry.name);
    const container = pickContainer(candidates);
    const state = await inspectState(docker, target, container);
    const live = liveStateOf(state, entry.job ? "job" : "service");
    const url =
      live.running && container ? (accessPoints[entry.name] ?? publishedUrl(container)) : undefined;
    const extra = candidates
      .filter((candidate) => candidate !== container)
      .map((candidate) => `${candidate.name} (${candidate.state})`);
    rows.push({ ...entry, live, url: url === undefined ? undefined : redactUrl(url), extra });
  }
  return rows;
}

function formatRow(row: Row, width: number, style: Style, note = ""): string {
  const mark = row.live.ok ? style.paint("green", "✓") : style.paint("red", "✗");
  const label = row.live.label + (row.job ? " (job)" : "");
  const url = row.url ? `  ${row.url}` : "";
  const extra =
    row.extra.length > 0 ? `  (also labelled with this service: ${row.extra.join(", ")})` : "";
  return `  ${mark} ${row.name.padEnd(width)}  ${label}${url}${note}${extra}`;
}

/** Prints one level and returns the services and jobs that should run but are not ok. */
async function printLevel(
  session: Session,
  docker: Dockerode,
  level: LevelDefinition,
  containers: readonly StackContainer[],
  accessPoints: Record<string, string>,
): Promise<string[]> {
  const { printer } = session;
  const desired = session.states[level.key];
  printer.line(`Level ${level.number} ${level.title}: ${printer.out.paint("bold", desired)}`);
  const own = containers.filter((container) => container.level === level.number);
  const rows = await rowsFor(docker, session.dockerTarget, level, own, accessPoints);
  const width = Math.max(...rows.map((row) => row.name.length));

  if (desired !== "running") {
    // Containers of a level that should not run are shown, but they do not fail the status.
    for (const row of rows.filter((candidate) => candidate.live.label !== "missing")) {
      printer.line(formatRow(row, width, printer.out, `  (the level is ${desired})`));
    }
    return [];
  }
  if (!IMPLEMENTED_LEVELS.includes(level.number)) {
    printer.line("  (the program declares no services for this level yet)");
    return [];
  }
  for (const row of rows) {
    printer.line(formatRow(row, width, printer.out));
  }
  return rows.filter((row) => !row.live.ok).map((row) => row.name);
}

async function accessPointsOf(session: Session): Promise<Record<string, string>> {
  if (!session.stack) {
    return {};
  }
  try {
    return await readAccessPoints(session.stack);
  } catch (error) {
    session.printer.warn(
      `Could not read the stack outputs, so URLs come from Docker: ${errorMessage(error)}`,
    );
    return {};
  }
}

/** Prints the status of every level and returns 3 when a service that should run is not healthy. */
export async function runStatus(session: Session): Promise<number> {
  const { printer } = session;
  const docker = await connectDocker(session.dockerTarget);
  const version = await docker.version().then(
    (info) => ` (Docker ${info.Version})`,
    () => "",
  );
  printer.line(`Stack ${session.stackName} on ${describeTarget(session.dockerTarget)}${version}`);
  if (!session.stack) {
    printer.line(`The stack does not exist yet; start a level with \`pipeline --start-level 0\`.`);
  }

  const containers = await dockerRequest(session.dockerTarget, "list the stack's containers", () =>
    listStackContainers(docker, session.stackName),
  );
  const accessPoints = await accessPointsOf(session);
  const problems: string[] = [];
  for (const level of LEVELS) {
    problems.push(...(await printLevel(session, docker, level, containers, accessPoints)));
  }

  if (problems.length > 0) {
    printer.line(`Not healthy although their level is running: ${problems.join(", ")}.`);
    return ExitCode.unhealthy;
  }
  return ExitCode.ok;
}
