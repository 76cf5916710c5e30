/**
 * Text for the start and stop commands: the planned level changes, the volumes to delete, the
 * preview steps, failures with service logs, and access points.
 */
import type Dockerode from "dockerode";

import { LEVELS, levelByNumber, type LevelNumber } from "../levels/model";
import { readLogTail } from "./container-logs";
import { listStackContainers } from "./docker";
import { errorMessage } from "./errors";
import { CONTAINER_TYPE, type PlannedStep } from "./events";
import { redactUrl, type Printer } from "./output";
import type { ServiceFailure } from "./progress";
import { levelLabel, type LevelChange, type TransitionPlan } from "./transitions";

/** Number of log lines shown for a service that failed. */
export const FAILURE_LOG_LINES = 20;

function describeReason(change: LevelChange, plan: TransitionPlan): string {
  const command = plan.command;
  if (change.reason === "dependency" && command.kind === "start-level") {
    return ` (level ${command.level} depends on it)`;
  }
  if (change.reason === "dependent" && "level" in command) {
    return ` (it depends on level ${command.level})`;
  }
  return "";
}

/** Prints the level changes and notes of a plan. */
export function printPlan(printer: Printer, plan: TransitionPlan, stackName: string): void {
  printer.line(`Stack ${stackName}:`);
  if (plan.changes.length === 0) {
    printer.line("  No level changes its desired state.");
  }
  for (const change of plan.changes) {
    const title = levelByNumber(change.level).title;
    printer.line(
      `  Level ${change.level} ${title}: ${change.from} -> ${change.to}${describeReason(change, plan)}`,
    );
  }
  for (const note of plan.notes) {
    printer.line(`  ${note}`);
  }
}

/** Prints the volumes a command deletes (or would delete, with `preview`), or that none exist. */
export function printVolumes(
  printer: Printer,
  plan: TransitionPlan,
  volumes: readonly Dockerode.VolumeInspectInfo[],
  preview: boolean,
): void {
  const scope =
    plan.command.kind === "stop-level-full"
      ? `of ${levelLabel(plan.command.level)}`
      : "of the stack";
  if (volumes.length === 0) {
    printer.line(`No volumes ${scope} were found on the Docker daemon.`);
    return;
  }
  printer.line(`These volumes ${scope} ${preview ? "would be" : "will be"} deleted:`);
  for (const volume of volumes) {
    printer.line(`  - ${volume.Name}`);
  }
}

function describeStep(step: PlannedStep): string {
  if (step.type === CONTAINER_TYPE && step.container) {
    return `container ${step.container.service} (level ${step.container.level.number})`;
  }
  return `${step.type} ${step.name}`;
}

/** Prints the steps and totals of a preview. */
export function printPreview(
  printer: Printer,
  steps: readonly PlannedStep[],
  changeSummary: Record<string, number | undefined>,
): void {
  printer.line("Planned changes (nothing was applied):");
  if (steps.length === 0) {
    printer.line("  none");
  }
  for (const step of steps) {
    printer.line(`  ${step.op.padEnd(8)} ${describeStep(step)}`);
  }
  const totals = Object.entries(changeSummary)
    .filter(([, count]) => count !== undefined && count > 0)
    .map(([op, count]) => `${count} ${op}`);
  if (totals.length > 0) {
    printer.line(`Resources: ${totals.join(", ")}.`);
  }
}

async function failureLogLines(
  docker: Dockerode | undefined,
  stackName: string,
  failure: ServiceFailure,
): Promise<string[]> {
  if (!docker) {
    return ["  (logs unavailable: the Docker daemon was not reached)"];
  }
  try {
    const [container] = await listStackContainers(docker, stackName, { service: failure.service });
    if (!container) {
      return ["  (no container is left to read logs from)"];
    }
    const lines = await readLogTail(docker, container.id, FAILURE_LOG_LINES);
    const heading = `  Last ${FAILURE_LOG_LINES} log lines of ${container.name}:`;
    return [
      heading,
      ...(lines.length > 0 ? lines.map((line) => `    ${line}`) : ["    (empty log)"]),
    ];
  } catch (error) {
    return [`  (logs unavailable: ${errorMessage(error)})`];
  }
}

/** Builds the detail lines for failed services: Pulumi's error and the end of each service's log. */
export async function describeFailures(
  docker: Dockerode | undefined,
  stackName: string,
  failures: readonly ServiceFailure[],
): Promise<string[]> {
  const details: string[] = [];
  for (const failure of failures) {
    details.push(`Service ${failure.service} (${levelLabel(failure.level)}) failed:`);
    details.push(...failure.messages.map((message) => `  ${message.replace(/\n/g, "\n  ")}`));
    details.push(...(await failureLogLines(docker, stackName, failure)));
  }
  return details;
}

/** Prints the access points of the services in `levels`, in level model order. */
export function printAccessPoints(
  printer: Printer,
  accessPoints: Record<string, string>,
  levels: readonly LevelNumber[],
): void {
  const services = LEVELS.filter((level) => levels.includes(level.number)).flatMap(
    (level) => level.services,
  );
  const rows = services.filter((service) => accessPoints[service] !== undefined);
  if (rows.length === 0) {
    return;
  }
  const width = Math.max(...rows.map((service) => service.length));
  printer.line("Access points:");
  for (const service of rows) {
    printer.line(`  ${service.padEnd(width)}  ${redactUrl(accessPoints[service])}`);
  }
}
