/**
 * Reading Pulumi engine events: which service a container resource belongs to, and the planned
 * steps of a preview.
 */
import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

import { LABEL_KEYS, physicalName } from "../components/naming";
import { levelOfService, type LevelDefinition } from "../levels/model";

export const CONTAINER_TYPE = "docker:index/container:Container";

export interface ContainerResource {
  readonly service: string;
  readonly level: LevelDefinition;
}

/** Steps that only read state; they change nothing and are left out of progress and plans. */
const READ_ONLY_OPS: readonly OpType[] = ["same", "read", "refresh"];

function serviceFromInputs(
  inputs: Record<string, unknown> | undefined,
  stack: string,
): string | undefined {
  const prefix = physicalName(stack, "");
  const name = inputs?.name;
  if (typeof name === "string" && name.startsWith(prefix)) {
    return name.slice(prefix.length);
  }
  // The Docker provider stores labels as a list of { label, value } objects.
  const labels = inputs?.labels;
  if (Array.isArray(labels)) {
    const entry = labels.find(
      (candidate: unknown) =>
        typeof candidate === "object" &&
        candidate !== null &&
        (candidate as { label?: unknown }).label === LABEL_KEYS.service,
    ) as { value?: unknown } | undefined;
    return typeof entry?.value === "string" ? entry.value : undefined;
  }
  return undefined;
}

/**
 * Returns the service and level of a container step, from its physical name
 * (`clinical-mlops-<stack>-<service>`) or its `clinical-mlops.service` label. Returns undefined for
 * other resource types and for containers outside the level model.
 */
// NOTE: the event fields used here come from the Automation API typings (StepEventMetadata); they
// have not been checked against a real engine's events.
export function containerOfStep(
  metadata: StepEventMetadata,
  stack: string,
): ContainerResource | undefined {
  if (metadata.type !== CONTAINER_TYPE) {
    return undefined;
  }
  const service =
    serviceFromInputs(metadata.new?.inputs, stack) ??
    serviceFromInputs(metadata.old?.inputs, stack);
  const level = service === undefined ? undefined : levelOfService(service);
  return service !== undefined && level !== undefined ? { service, level } : undefined;
}

/** Returns the resource name at the end of a URN (`urn:pulumi:...::name`). */
export function resourceNameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export interface PlannedStep {
  readonly op: OpType;
  /** Pulumi type token, for example `docker:index/container:Container`. */
  readonly type: string;
  readonly name: string;
  readonly container?: ContainerResource;
}

/** Collects the steps of a preview that would change something, in the order Pulumi reports them. */
export class PlanCollector {
  readonly steps: PlannedStep[] = [];

  constructor(private readonly stack: string) {}

  readonly handle = (event: EngineEvent): void => {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata || READ_ONLY_OPS.includes(metadata.op)) {
      return;
    }
    // A replacement arrives as create-replacement, replace and delete-replaced steps; only the
    // replace step is listed.
    if (metadata.op === "create-replacement" || metadata.op === "delete-replaced") {
      return;
    }
    this.steps.push({
      op: metadata.op,
      type: metadata.type,
      name: resourceNameOf(metadata.urn),
      container: containerOfStep(metadata, this.stack),
    });
  };
}

/** Step kinds that create or change a container, so the update waits for it to become healthy. */
export function isWaitOp(op: OpType): boolean {
  return op === "create" || op === "update" || op === "replace" || op === "create-replacement";
}

/** Step kinds after whose outputs a container is in place: created, changed or left as it was. */
export function isReadyOp(op: OpType): boolean {
  return op === "same" || isWaitOp(op);
}

export function isDeleteOp(op: OpType): boolean {
  return op === "delete" || op === "delete-replaced" || op === "discard";
}
