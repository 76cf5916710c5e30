/**
 * Progress of an update per level, derived from the engine events of container resources: how
 * many services are ready out of how many, which ones the update waits for, which were removed,
 * and which failed.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

import { LEVELS, levelByNumber, type LevelNumber } from "../levels/model";
import { containerOfStep, isDeleteOp, isReadyOp, isWaitOp, resourceNameOf } from "./events";

export interface ServiceFailure {
  readonly service: string;
  readonly level: LevelNumber;
  /** Error diagnostics Pulumi reported for the container. */
  readonly messages: string[];
}

interface LevelProgress {
  readonly ready: Set<string>;
  readonly waiting: Set<string>;
  readonly removing: Set<string>;
  readonly removed: Set<string>;
  lastLine?: string;
}

function inModelOrder(level: LevelNumber, names: Set<string>): string[] {
  const definition = levelByNumber(level);
  const order = [...definition.services, ...definition.jobs];
  return [...names].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Tracks an update and reports one line per level whenever that level's progress changes. */
export class UpdateProgress {
  private readonly levels = new Map<LevelNumber, LevelProgress>();
  private readonly failuresByService = new Map<string, ServiceFailure>();
  private readonly serviceByUrn = new Map<string, { service: string; level: LevelNumber }>();
  /** Error diagnostics of resources that are not containers of the level model. */
  readonly otherErrors: string[] = [];

  /**
   * @param startingLevels levels that become running; their progress counts every service and
   *   job of the level model.
   */
  constructor(
    private readonly stack: string,
    private readonly startingLevels: readonly LevelNumber[],
    private readonly report: (line: string) => void,
  ) {}

  get failures(): ServiceFailure[] {
    return [...this.failuresByService.values()];
  }

  readonly handle = (event: EngineEvent): void => {
    if (event.resourcePreEvent) {
      this.onStep(event.resourcePreEvent.metadata, "pre");
    } else if (event.resOutputsEvent) {
      this.onStep(event.resOutputsEvent.metadata, "outputs");
    } else if (event.resOpFailedEvent) {
      this.onFailed(event.resOpFailedEvent.metadata.urn);
    } else if (event.diagnosticEvent?.severity === "error") {
      this.onError(event.diagnosticEvent.urn, event.diagnosticEvent.message.trim());
    }
  };

  private progressOf(level: LevelNumber): LevelProgress {
    let progress = this.levels.get(level);
    if (!progress) {
      progress = { ready: new Set(), waiting: new Set(), removing: new Set(), removed: new Set() };
      this.levels.set(level, progress);
    }
    return progress;
  }

  private onStep(
    metadata: NonNullable<EngineEvent["resourcePreEvent"]>["metadata"],
    phase: "pre" | "outputs",
  ): void {
    const container = containerOfStep(metadata, this.stack);
    if (!container) {
      return;
    }
    const { service } = container;
    const level = container.level.number;
    this.serviceByUrn.set(metadata.urn, { service, level });
    const progress = this.progressOf(level);

    if (phase === "pre" && isWaitOp(metadata.op)) {
      progress.waiting.add(service);
    } else if (phase === "outputs" && isReadyOp(metadata.op)) {
      progress.waiting.delete(service);
      progress.ready.add(service);
    } else if (phase === "pre" && metadata.op === "same") {
      progress.ready.add(service);
    } else if (isDeleteOp(metadata.op) && metadata.op !== "delete-replaced") {
      this.onDelete(progress, service, phase);
    } else {
      return;
    }
    this.emit(level);
  }

  private onDelete(progress: LevelProgress, service: string, phase: "pre" | "outputs"): void {
    if (phase === "pre") {
      progress.removing.add(service);
    } else {
      progress.removing.delete(service);
      progress.removed.add(service);
    }
  }

  private onFailed(urn: string): void {
    const owner = this.serviceByUrn.get(urn);
    if (owner && !this.failuresByService.has(owner.service)) {
      this.failuresByService.set(owner.service, { ...owner, messages: [] });
    }
  }

  private onError(urn: string | undefined, message: string): void {
    const owner = urn === undefined ? undefined : this.serviceByUrn.get(urn);
    if (!owner) {
      const prefix = urn === undefined ? "" : `${resourceNameOf(urn)}: `;
      this.otherErrors.push(`${prefix}${message}`);
      return;
    }
    this.onFailed(urn as string);
    this.failuresByService.get(owner.service)?.messages.push(message);
  }

  /** Returns the current progress line of a level. */
  lineFor(level: LevelNumber): string {
    const definition = levelByNumber(level);
    const progress = this.progressOf(level);
    const parts: string[] = [];
    if (this.startingLevels.includes(level)) {
      const total = definition.services.length + definition.jobs.length;
      parts.push(`${progress.ready.size}/${total} ready`);
    }
    if (progress.waiting.size > 0) {
      parts.push(`waiting for ${inModelOrder(level, progress.waiting).join(", ")}`);
    }
    if (progress.removing.size > 0) {
      parts.push(`removing ${inModelOrder(level, progress.removing).join(", ")}`);
    }
    if (progress.removed.size > 0) {
      parts.push(
        `removed ${progress.removed.size} container${progress.removed.size === 1 ? "" : "s"}`,
      );
    }
    return `Level ${level} ${definition.title}: ${parts.join(", ")}`;
  }

  private emit(level: LevelNumber): void {
    const line = this.lineFor(level);
    const progress = this.progressOf(level);
    if (line !== progress.lastLine) {
      progress.lastLine = line;
      this.report(line);
    }
  }

  /** Returns the final line of every level that had container steps, in level order. */
  summary(): string[] {
    return LEVELS.filter((level) => this.levels.has(level.number)).map((level) =>
      this.lineFor(level.number),
    );
  }
}
