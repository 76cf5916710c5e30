/**
 * Builders for Pulumi engine events as the Automation API delivers them.
 */
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";

const STACK_URN = "urn:pulumi:dev::clinical-mlops";

export function containerUrn(service: string): string {
  return `${STACK_URN}::clinical-mlops:levels:Infrastructure$docker:index/container:Container::${service}`;
}

function stepMetadata(op: OpType, type: string, urn: string, inputs: Record<string, unknown>) {
  const state = { type, urn, id: "", parent: "", inputs, outputs: {}, provider: "" };
  return {
    op,
    urn,
    type,
    provider: "",
    new: op === "delete" ? undefined : state,
    old: op === "delete" ? state : undefined,
  };
}

/** Returns a step event for the container of `service`, named as the program names it. */
export function containerStep(
  phase: "pre" | "outputs",
  op: OpType,
  service: string,
  stack = "dev",
): EngineEvent {
  const metadata = stepMetadata(op, "docker:index/container:Container", containerUrn(service), {
    name: `clinical-mlops-${stack}-${service}`,
  });
  return phase === "pre"
    ? { sequence: 0, timestamp: 0, resourcePreEvent: { metadata } }
    : { sequence: 0, timestamp: 0, resOutputsEvent: { metadata } };
}

/** Returns a step event for a resource that is not a container. */
export function resourceStep(
  phase: "pre" | "outputs",
  op: OpType,
  type: string,
  name: string,
): EngineEvent {
  const metadata = stepMetadata(op, type, `${STACK_URN}::${type}::${name}`, {});
  return phase === "pre"
    ? { sequence: 0, timestamp: 0, resourcePreEvent: { metadata } }
    : { sequence: 0, timestamp: 0, resOutputsEvent: { metadata } };
}

export function containerFailed(service: string): EngineEvent {
  const metadata = stepMetadata(
    "create",
    "docker:index/container:Container",
    containerUrn(service),
    {
      name: `clinical-mlops-dev-${service}`,
    },
  );
  return { sequence: 0, timestamp: 0, resOpFailedEvent: { metadata, status: 1, steps: 0 } };
}

export function errorDiagnostic(urn: string | undefined, message: string): EngineEvent {
  return {
    sequence: 0,
    timestamp: 0,
    diagnosticEvent: { urn, message, color: "never", severity: "error" },
  };
}

export function summary(resourceChanges: Record<string, number>): EngineEvent {
  return {
    sequence: 0,
    timestamp: 0,
    summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges, policyPacks: {} },
  };
}
