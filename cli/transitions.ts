/**
 * Level transitions as pure functions: from the current desired states and a command to the new
 * desired states, the reason for each change, and the confirmation the command needs.
 */
import {
  IMPLEMENTED_LEVELS,
  LEVELS,
  LEVEL_KEYS,
  dependentsOf,
  levelByNumber,
  type LevelKey,
  type LevelNumber,
  type LevelState,
  type LevelStates,
} from "../levels/model";

export type TransitionCommand =
  | { readonly kind: "start-level"; readonly level: LevelNumber }
  | { readonly kind: "start-full" }
  | { readonly kind: "stop-level"; readonly level: LevelNumber }
  | { readonly kind: "stop-level-full"; readonly level: LevelNumber }
  | { readonly kind: "stop-full" }
  | { readonly kind: "clean-all" };

/**
 * Why a level changes: the command named it, a requested level depends on it, or it depends on a
 * level that stops.
 */
export type ChangeReason = "requested" | "dependency" | "dependent";

export interface LevelChange {
  readonly level: LevelNumber;
  readonly from: LevelState;
  readonly to: LevelState;
  readonly reason: ChangeReason;
}

/**
 * Confirmation a command needs before it runs: none, a yes/no question, or typing `yes`.
 */
export type Confirmation = "none" | "confirm" | "type-yes";

export interface TransitionPlan {
  readonly command: TransitionCommand;
  readonly current: LevelStates;
  readonly target: LevelStates;
  /** Levels whose desired state changes, in level order. */
  readonly changes: readonly LevelChange[];
  /** `update` runs `pulumi up` with the target config; `destroy` removes every resource. */
  readonly operation: "update" | "destroy";
  /** Levels whose volumes the command deletes. */
  readonly volumeDeletionLevels: readonly LevelNumber[];
  /** Sentences for the user about levels that do not change or change as a side effect. */
  readonly notes: readonly string[];
}

/** Fills in `absent` for every level key missing from a config map. */
export function completeLevelStates(partial: Partial<Record<LevelKey, LevelState>>): LevelStates {
  const entries = LEVEL_KEYS.map((key) => [key, partial[key] ?? "absent"] as const);
  return Object.fromEntries(entries) as Record<LevelKey, LevelState>;
}

/** Returns "level 2 (Data Processing)", the form every message uses. */
export function levelLabel(level: LevelNumber): string {
  return `level ${level} (${levelByNumber(level).title})`;
}

function listLevels(levels: readonly LevelNumber[]): string {
  const labels = levels.map(levelLabel);
  return labels.length <= 1
    ? labels.join("")
    : `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

type MutableStates = Record<LevelKey, LevelState>;

interface Draft {
  readonly target: MutableStates;
  readonly reasons: Map<LevelNumber, ChangeReason>;
  readonly notes: string[];
}

function setLevel(draft: Draft, level: LevelNumber, state: LevelState, reason: ChangeReason): void {
  const key = levelByNumber(level).key;
  if (draft.target[key] !== state) {
    draft.target[key] = state;
    draft.reasons.set(level, reason);
  }
}

function stateOf(states: LevelStates, level: LevelNumber): LevelState {
  return states[levelByNumber(level).key];
}

function startLevel(draft: Draft, current: LevelStates, level: LevelNumber): void {
  for (const dependency of levelByNumber(level).dependsOn) {
    setLevel(draft, dependency, "running", "dependency");
  }
  setLevel(draft, level, "running", "requested");
  if (stateOf(current, level) === "running") {
    draft.notes.push(
      `${capitalize(levelLabel(level))} is already running; the update repairs drift.`,
    );
  }
}

/** Stops the running levels that depend on `level` and adds a note that names them. */
function stopRunningDependents(draft: Draft, current: LevelStates, level: LevelNumber): void {
  const running = dependentsOf(level).filter(
    (dependent) => stateOf(current, dependent) === "running",
  );
  for (const dependent of running) {
    setLevel(draft, dependent, "stopped", "dependent");
  }
  if (running.length > 0) {
    const verb = running.length === 1 ? "depends" : "depend";
    draft.notes.push(
      `Also stopping ${listLevels(running)}, which ${verb} on level ${level}; their volumes are kept.`,
    );
  }
}

function stopLevel(draft: Draft, current: LevelStates, level: LevelNumber): void {
  const state = stateOf(current, level);
  if (state === "running") {
    setLevel(draft, level, "stopped", "requested");
  } else if (state === "stopped") {
    draft.notes.push(`${capitalize(levelLabel(level))} is already stopped.`);
  } else {
    draft.notes.push(`${capitalize(levelLabel(level))} is absent, so there is nothing to stop.`);
  }
  stopRunningDependents(draft, current, level);
}

function removeLevel(draft: Draft, current: LevelStates, level: LevelNumber): void {
  setLevel(draft, level, "absent", "requested");
  stopRunningDependents(draft, current, level);
}

function stopAll(draft: Draft, current: LevelStates): void {
  const running = LEVELS.filter((level) => current[level.key] === "running");
  for (const level of running) {
    setLevel(draft, level.number, "stopped", "requested");
  }
  if (running.length === 0) {
    draft.notes.push("No level is running.");
  }
}

/** Returns `text` with its first letter in upper case, for labels at the start of a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function startAll(draft: Draft, implemented: readonly LevelNumber[]): void {
  const startable = LEVELS.filter((level) => implemented.includes(level.number));
  startable.forEach((level) => setLevel(draft, level.number, "running", "requested"));
  const missing = LEVELS.filter((level) => !implemented.includes(level.number));
  if (missing.length > 0) {
    const levels = listLevels(missing.map((level) => level.number));
    const [has, rest] =
      missing.length === 1 ? ["has", "it stays as it is"] : ["have", "they stay as they are"];
    draft.notes.push(
      `${capitalize(levels)} ${has} no services in this version of the program, so ${rest}.`,
    );
  }
}

/**
 * Returns why a start command cannot run, or undefined when it can: the program rejects a running
 * level that it declares no services for, so such a level cannot be started.
 */
export function startRejection(
  command: TransitionCommand,
  implemented: readonly LevelNumber[],
): string | undefined {
  if (command.kind !== "start-level") {
    return undefined;
  }
  const needed = [...levelByNumber(command.level).dependsOn, command.level];
  const missing = needed.filter((level) => !implemented.includes(level));
  if (missing.length === 0) {
    return undefined;
  }
  return (
    `Cannot start ${levelLabel(command.level)}: this version of the program has no services for ${listLevels(missing)}. ` +
    `Levels that can run: ${implemented.join(", ")}.`
  );
}

/**
 * Computes the new desired states for `command`, starting from `current`. `implemented` lists the
 * levels the program declares services for; `--start-full` starts only those.
 */
export function planTransition(
  current: LevelStates,
  command: TransitionCommand,
  implemented: readonly LevelNumber[] = IMPLEMENTED_LEVELS,
): TransitionPlan {
  const draft: Draft = { target: { ...current }, reasons: new Map(), notes: [] };
  let volumeDeletionLevels: LevelNumber[] = [];

  switch (command.kind) {
    case "start-level":
      startLevel(draft, current, command.level);
      break;
    case "start-full":
      startAll(draft, implemented);
      break;
    case "stop-level":
      stopLevel(draft, current, command.level);
      break;
    case "stop-level-full":
      removeLevel(draft, current, command.level);
      volumeDeletionLevels = [command.level];
      break;
    case "stop-full":
      stopAll(draft, current);
      break;
    case "clean-all":
      LEVELS.forEach((level) => setLevel(draft, level.number, "absent", "requested"));
      volumeDeletionLevels = LEVELS.map((level) => level.number);
      break;
  }

  const changes = LEVELS.filter((level) => draft.reasons.has(level.number)).map((level) => ({
    level: level.number,
    from: current[level.key],
    to: draft.target[level.key],
    reason: draft.reasons.get(level.number) as ChangeReason,
  }));
  return {
    command,
    current,
    target: draft.target,
    changes,
    operation: command.kind === "clean-all" ? "destroy" : "update",
    volumeDeletionLevels,
    notes: draft.notes,
  };
}

/**
 * Returns the confirmation `plan` needs, given how many volumes it would delete. Removing a
 * level that is already absent and has no volumes left changes nothing, so it needs none.
 */
export function confirmationFor(plan: TransitionPlan, volumesToDelete: number): Confirmation {
  switch (plan.command.kind) {
    case "clean-all":
      return "type-yes";
    case "stop-level-full":
      return plan.changes.length === 0 && volumesToDelete === 0 ? "none" : "confirm";
    default:
      return "none";
  }
}

export type ConfirmationDecision = "proceed" | "prompt" | "reject";

/**
 * Decides how to get a confirmation: `--yes` and previews proceed, a terminal gets a prompt, and
 * anything else is rejected, because without a terminal no one can reply.
 */
export function decideConfirmation(
  confirmation: Confirmation,
  options: { readonly yes: boolean; readonly preview: boolean; readonly interactive: boolean },
): ConfirmationDecision {
  if (confirmation === "none" || options.yes || options.preview) {
    return "proceed";
  }
  return options.interactive ? "prompt" : "reject";
}

/** Returns why `--restart-level` cannot run on `level`, or undefined when it can. */
export function restartRejection(current: LevelStates, level: LevelNumber): string | undefined {
  const state = stateOf(current, level);
  if (state === "running") {
    return undefined;
  }
  return `Cannot restart ${levelLabel(level)}: its desired state is ${state}. Start it with \`pipeline --start-level ${level}\`.`;
}
