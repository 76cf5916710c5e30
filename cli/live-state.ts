/**
 * The live state of one container as `--status` reports it, derived from `docker inspect`.
 */
import type Dockerode from "dockerode";

import type { ContainerRole } from "../components/naming";

export type ContainerState = Dockerode.ContainerInspectInfo["State"];

export interface LiveState {
  /** Words shown to the user, for example `healthy` or `exited with code 137`. */
  readonly label: string;
  /** True when the service is healthy or the job completed, or is still running. */
  readonly ok: boolean;
  /** True while the container runs, so it has an access URL. */
  readonly running: boolean;
}

const MISSING: LiveState = { label: "missing", ok: false, running: false };

function jobState(state: ContainerState): LiveState {
  if (state.Running) {
    return { label: "running", ok: true, running: true };
  }
  if (state.Status === "exited") {
    return state.ExitCode === 0
      ? { label: "completed", ok: true, running: false }
      : { label: `failed (exit code ${state.ExitCode})`, ok: false, running: false };
  }
  return notRunningState(state);
}

function notRunningState(state: ContainerState): LiveState {
  switch (state.Status) {
    case "exited":
      return { label: `exited with code ${state.ExitCode}`, ok: false, running: false };
    case "created":
      return { label: "created, never started", ok: false, running: false };
    default:
      return { label: state.Status, ok: false, running: false };
  }
}

function serviceState(state: ContainerState): LiveState {
  if (state.Restarting) {
    return { label: "restarting", ok: false, running: false };
  }
  if (state.Paused) {
    return { label: "paused", ok: false, running: false };
  }
  if (!state.Running) {
    return notRunningState(state);
  }
  const health = state.Health?.Status;
  switch (health) {
    case "healthy":
      return { label: "healthy", ok: true, running: true };
    case "unhealthy":
    case "starting":
      return { label: health, ok: false, running: true };
    case undefined:
    case "none":
    case "":
      // Services without a health check cannot be proven healthy; running is the best signal.
      return { label: "running (no health check)", ok: true, running: true };
    default:
      return { label: health, ok: false, running: true };
  }
}

/** Returns the live state of a service or job container; undefined `state` means no container. */
export function liveStateOf(state: ContainerState | undefined, role: ContainerRole): LiveState {
  if (!state) {
    return MISSING;
  }
  return role === "job" ? jobState(state) : serviceState(state);
}

/** Returns the last health check output, trimmed, for messages about unhealthy services. */
export function lastHealthOutput(state: ContainerState | undefined): string | undefined {
  const log = state?.Health?.Log;
  const last = log && log.length > 0 ? log[log.length - 1].Output.trim() : "";
  return last === "" ? undefined : last;
}
