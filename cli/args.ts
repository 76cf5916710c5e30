/**
 * Command-line parsing for `pipeline`: exactly one command, plus options that apply to it.
 */
import { parseArgs } from "node:util";

import { LEVELS, type LevelNumber } from "../levels/model";
import { CliError, ExitCode, errorMessage } from "./errors";
import type { TransitionCommand } from "./transitions";

export type Command =
  | TransitionCommand
  | { readonly kind: "status" }
  | {
      readonly kind: "logs";
      readonly level: LevelNumber;
      /** Lines per container to print before following, or "all". */
      readonly tail: number | "all";
      /** Only print lines written at or after this UNIX time in seconds. */
      readonly since?: number;
    }
  | {
      readonly kind: "restart-level";
      readonly level: LevelNumber;
      /** Maximum time in seconds to wait for each restarted service to become healthy. */
      readonly timeoutSeconds: number;
    }
  | { readonly kind: "help" }
  | { readonly kind: "version" };

export interface CliOptions {
  readonly command: Command;
  /** Pulumi stack name. Defaults to `dev`. */
  readonly stack: string;
  /** Pulumi backend URL from `--backend`, if given. */
  readonly backend?: string;
  /** Confirms destructive commands without a prompt. */
  readonly yes: boolean;
  /** Shows the planned changes of a start or stop command without applying them. */
  readonly preview: boolean;
}

export const DEFAULT_STACK = "dev";
export const DEFAULT_LOG_TAIL = 100;
export const DEFAULT_RESTART_TIMEOUT_SECONDS = 180;

const OPTIONS = {
  "start-level": { type: "string" },
  "start-full": { type: "boolean" },
  "stop-level": { type: "string" },
  "stop-level-full": { type: "string" },
  "stop-full": { type: "boolean" },
  "clean-all": { type: "boolean" },
  status: { type: "boolean" },
  logs: { type: "string" },
  "restart-level": { type: "string" },
  preview: { type: "boolean" },
  stack: { type: "string" },
  backend: { type: "string" },
  yes: { type: "boolean", short: "y" },
  tail: { type: "string" },
  since: { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

type ParsedValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

const COMMAND_FLAGS = [
  "start-level",
  "start-full",
  "stop-level",
  "stop-level-full",
  "stop-full",
  "clean-all",
  "status",
  "logs",
  "restart-level",
  "help",
  "version",
] as const;

const PREVIEWABLE: readonly Command["kind"][] = [
  "start-level",
  "start-full",
  "stop-level",
  "stop-level-full",
  "stop-full",
  "clean-all",
];

/** Stack names become part of Docker container, volume and image names, which must be lowercase. */
const STACK_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

function usageError(message: string): CliError {
  return new CliError(`${message} Run \`pipeline --help\` for usage.`, ExitCode.usage);
}

/** Parses a level number given to `option`, rejecting anything outside the level model. */
export function parseLevel(raw: string, option: string): LevelNumber {
  const maxLevel = LEVELS.length - 1;
  // Only canonical numbers count, so "01" or "1.0" are rejected like any other invalid level.
  const level = LEVELS.find((candidate) => String(candidate.number) === raw);
  if (!level) {
    throw usageError(
      `Invalid level "${raw}" for --${option}: levels are numbered 0 to ${maxLevel}.`,
    );
  }
  return level.number;
}

function parseTail(raw: string | undefined): number | "all" {
  if (raw === undefined) {
    return DEFAULT_LOG_TAIL;
  }
  if (raw === "all") {
    return "all";
  }
  if (!/^\d+$/.test(raw)) {
    throw usageError(`Invalid --tail "${raw}": use a number of lines or "all".`);
  }
  return Number(raw);
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * ISO 8601 dates as `Date.parse` reads them: a date alone is UTC midnight, a date and time without
 * `Z` or an offset is local time.
 */
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Converts a `--since` value to UNIX seconds: a duration before now (`90s`, `10m`, `1h30m`),
 * UNIX seconds, or an ISO 8601 date or date and time (`2026-01-31`, `2026-01-31T12:00:00Z`).
 */
export function parseSince(raw: string, nowMs: number): number {
  const duration = DURATION.exec(raw);
  if (raw !== "" && duration) {
    const [, hours = "0", minutes = "0", seconds = "0"] = duration;
    const totalSeconds = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
    return Math.floor(nowMs / 1000) - totalSeconds;
  }
  if (/^\d+$/.test(raw)) {
    return Number(raw);
  }
  const parsedMs = ISO_DATE.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(parsedMs)) {
    throw usageError(
      `Invalid --since "${raw}": use a duration such as 10m or 1h30m, UNIX seconds, or an ISO 8601 date such as 2026-01-31T12:00:00Z.`,
    );
  }
  return Math.floor(parsedMs / 1000);
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) {
    return DEFAULT_RESTART_TIMEOUT_SECONDS;
  }
  if (!/^\d+$/.test(raw) || Number(raw) === 0) {
    throw usageError(`Invalid --timeout "${raw}": use a whole number of seconds greater than 0.`);
  }
  return Number(raw);
}

function selectCommand(values: ParsedValues, nowMs: number): Command {
  const requested = COMMAND_FLAGS.filter(
    (flag) => values[flag] !== undefined && values[flag] !== false,
  );
  if (requested.includes("help")) {
    return { kind: "help" };
  }
  if (requested.includes("version")) {
    return { kind: "version" };
  }
  if (requested.length === 0) {
    throw usageError("No command given.");
  }
  if (requested.length > 1) {
    throw usageError(
      `Choose one command, not ${requested.map((flag) => `--${flag}`).join(" and ")}.`,
    );
  }

  const flag = requested[0];
  const raw = typeof values[flag] === "string" ? (values[flag] as string) : "";
  switch (flag) {
    case "start-level":
    case "stop-level":
    case "stop-level-full":
      return { kind: flag, level: parseLevel(raw, flag) };
    case "logs":
      return {
        kind: "logs",
        level: parseLevel(raw, flag),
        tail: parseTail(values.tail),
        since: values.since === undefined ? undefined : parseSince(values.since, nowMs),
      };
    case "restart-level":
      return {
        kind: flag,
        level: parseLevel(raw, flag),
        timeoutSeconds: parseTimeout(values.timeout),
      };
    default:
      return { kind: flag };
  }
}

function checkOptionsFit(command: Command, values: ParsedValues): void {
  if (values.preview && !PREVIEWABLE.includes(command.kind)) {
    throw usageError(
      `--preview only works with a start, stop or --clean-all command, not --${command.kind}.`,
    );
  }
  if ((values.tail !== undefined || values.since !== undefined) && command.kind !== "logs") {
    throw usageError("--tail and --since only work with --logs.");
  }
  if (values.timeout !== undefined && command.kind !== "restart-level") {
    throw usageError("--timeout only works with --restart-level.");
  }
  if (values.stack !== undefined && !STACK_NAME.test(values.stack)) {
    throw usageError(
      `Invalid --stack "${values.stack}": use lowercase letters, digits, "_", "." and "-", starting with a letter or digit.`,
    );
  }
}

/**
 * Prepares `argv` for `parseArgs`: drops one leading `--`, which `npx pipeline -- --status` passes
 * through, and joins a value option with a following negative number (`--tail -3` becomes
 * `--tail=-3`), so the value checks report it instead of Node's "argument is ambiguous".
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const name = args[index].startsWith("--") ? args[index].slice(2) : "";
    const option = (OPTIONS as Record<string, { type: string }>)[name];
    const next = args[index + 1];
    if (option?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${args[index]}=${next}`);
      index += 1;
    } else {
      joined.push(args[index]);
    }
  }
  return joined;
}

/** Parses `argv` (without the node and script paths). Throws `CliError` with exit code 2. */
export function parseCliArgs(argv: readonly string[], nowMs = Date.now()): CliOptions {
  let values: ParsedValues;
  try {
    values = parseArgs({
      args: normalizeArgv(argv),
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw usageError(`${errorMessage(error)}.`);
  }

  const command = selectCommand(values, nowMs);
  if (command.kind !== "help" && command.kind !== "version") {
    checkOptionsFit(command, values);
  }
  return {
    command,
    stack: values.stack ?? DEFAULT_STACK,
    backend: values.backend,
    yes: values.yes === true,
    preview: values.preview === true,
  };
}
