/**
 * The Automation API layer: opening the stack, reading and writing the `clinical-mlops:levels`
 * config map, reading `dockerHost` and the stack outputs, and turning Pulumi errors into
 * `CliError`s.
 */
import type { ConfigMap, OutputMap, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";

import { LEVEL_KEYS, LEVEL_STATES, type LevelKey, type LevelState } from "../levels/model";
import { CliError, ExitCode, errorMessage, pulumiStderr } from "./errors";
import { loadAutomation } from "./pulumi-cli";

export const LEVELS_CONFIG_KEY = "clinical-mlops:levels";
export const DOCKER_HOST_CONFIG_KEY = "clinical-mlops:dockerHost";

/** Level states as written in the config map, where a missing key means absent. */
export type LevelConfig = Partial<Record<LevelKey, LevelState>>;

export interface OpenStackOptions {
  readonly projectRoot: string;
  readonly stackName: string;
  readonly pulumiCommand: PulumiCommand;
  /** Backend and passphrase variables, passed to every Pulumi command. */
  readonly envVars: Record<string, string>;
  /** Create the stack when it does not exist; read-only commands pass false. */
  readonly create: boolean;
}

/** Converts Pulumi errors that users can act on into `CliError`s; returns others unchanged. */
export function translatePulumiError(error: unknown, stackName: string): unknown {
  const name = error instanceof Error ? error.name : "";
  const text = errorMessage(error);
  if (name === "ConcurrentUpdateError") {
    return new CliError(`Stack ${stackName} is locked by another update.`, ExitCode.stackLocked, [
      "Wait for the other pipeline or pulumi command to finish. If none is running, a killed run",
      `left the lock behind: clear it with \`pulumi cancel --stack ${stackName}\`.`,
    ]);
  }
  if (/incorrect passphrase|passphrase must be set/i.test(text)) {
    return new CliError(
      `The secrets passphrase does not open stack ${stackName}.`,
      ExitCode.failed,
      [
        "Set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the passphrase the stack",
        "was created with, or restore .pulumi-state/passphrase.",
      ],
    );
  }
  return error;
}

/**
 * Converts any failed Pulumi command into a `CliError`: the known cases of
 * `translatePulumiError`, or one that names the action and carries Pulumi's own message.
 */
export function pulumiCommandError(error: unknown, stackName: string, action: string): CliError {
  const translated = translatePulumiError(error, stackName);
  if (translated instanceof CliError) {
    return translated;
  }
  const lines = pulumiStderr(error)
    .split("\n")
    .map((line) => line.replace(/^error: /, "").trim())
    .filter((line) => line !== "");
  const [first = "no error output", ...rest] = lines;
  return new CliError(`Pulumi could not ${action} stack ${stackName}: ${first}`, ExitCode.failed, [
    ...rest,
    "Check the backend that holds the stack (--backend, PULUMI_BACKEND_URL or .pulumi-state/):",
    `\`pulumi stack select ${stackName}\` with the same backend shows the same error. A damaged`,
    `checkpoint can be replaced from a backup with \`pulumi stack import --stack ${stackName} --file BACKUP\`.`,
  ]);
}

/** Opens the stack in the project folder; returns undefined when it does not exist and `create` is false. */
export async function openStack(options: OpenStackOptions): Promise<Stack | undefined> {
  const { LocalWorkspace } = loadAutomation();
  const args = { stackName: options.stackName, workDir: options.projectRoot };
  const workspaceOptions = { envVars: options.envVars, pulumiCommand: options.pulumiCommand };
  try {
    return options.create
      ? await LocalWorkspace.createOrSelectStack(args, workspaceOptions)
      : await LocalWorkspace.selectStack(args, workspaceOptions);
  } catch (error) {
    if (!options.create && error instanceof Error && error.name === "StackNotFoundError") {
      return undefined;
    }
    throw pulumiCommandError(error, options.stackName, "open");
  }
}

const levelConfigSchema = z.record(z.string(), z.unknown());

/**
 * Parses the JSON text that `pulumi config --json` returns for the levels map. Throws a usage
 * `CliError` naming the key and the value when the map is invalid.
 */
export function parseLevelConfig(rawValue: string | undefined, stackName: string): LevelConfig {
  if (rawValue === undefined) {
    return {};
  }
  const fix = `Fix it in Pulumi.${stackName}.yaml.`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawValue);
  } catch {
    parsed = rawValue;
  }
  const map = levelConfigSchema.safeParse(parsed);
  if (!map.success) {
    throw new CliError(
      `${LEVELS_CONFIG_KEY} must be a map from level key to state, not ${JSON.stringify(parsed)}. ${fix}`,
      ExitCode.usage,
    );
  }
  const config: LevelConfig = {};
  for (const [key, state] of Object.entries(map.data)) {
    if (!(LEVEL_KEYS as readonly string[]).includes(key)) {
      throw new CliError(
        `${LEVELS_CONFIG_KEY} has an unknown level "${key}"; valid keys are ${LEVEL_KEYS.join(", ")}. ${fix}`,
        ExitCode.usage,
      );
    }
    if (typeof state !== "string" || !(LEVEL_STATES as readonly string[]).includes(state)) {
      throw new CliError(
        `${LEVELS_CONFIG_KEY}.${key} is ${JSON.stringify(state)}; valid states are ${LEVEL_STATES.join(", ")}. ${fix}`,
        ExitCode.usage,
      );
    }
    config[key as LevelKey] = state as LevelState;
  }
  return config;
}

export interface StackSettingsRead {
  readonly levels: LevelConfig;
  /** The `clinical-mlops:dockerHost` config value, if set. */
  readonly dockerHost?: string;
}

/** Reads the levels map and `dockerHost` from the stack config. */
export async function readStackSettings(stack: Stack): Promise<StackSettingsRead> {
  let config: ConfigMap;
  try {
    config = await stack.getAllConfig();
  } catch (error) {
    throw pulumiCommandError(error, stack.name, "read the config of");
  }
  const dockerHost = config[DOCKER_HOST_CONFIG_KEY]?.value;
  return {
    levels: parseLevelConfig(config[LEVELS_CONFIG_KEY]?.value, stack.name),
    dockerHost: dockerHost === undefined || dockerHost === "" ? undefined : dockerHost,
  };
}

/**
 * Returns the path-syntax config key of one level, for example `clinical-mlops:levels["features"]`.
 * Brackets are needed because keys such as `data-ingestion` contain a hyphen.
 */
// NOTE: this key form follows the `pulumi config set --path` documentation. The tests run it
// against a fake pulumi CLI only, because no real CLI is installed where they run.
export function levelConfigPath(key: LevelKey): string {
  return `${LEVELS_CONFIG_KEY}["${key}"]`;
}

/** Computes the config writes that turn the map `before` into `after`. */
export function levelConfigEdits(
  before: LevelConfig,
  after: LevelConfig,
): { readonly set: ConfigMap; readonly remove: string[] } {
  const set: ConfigMap = {};
  const remove: string[] = [];
  for (const key of LEVEL_KEYS) {
    const next = after[key];
    if (next !== undefined && next !== before[key]) {
      set[levelConfigPath(key)] = { value: next, secret: false };
    } else if (next === undefined && before[key] !== undefined) {
      remove.push(levelConfigPath(key));
    }
  }
  return { set, remove };
}

/** Writes the levels map with path-syntax keys, so Pulumi.<stack>.yaml keeps a readable YAML map. */
export async function writeLevelConfig(
  stack: Stack,
  before: LevelConfig,
  after: LevelConfig,
): Promise<void> {
  const { set, remove } = levelConfigEdits(before, after);
  try {
    if (Object.keys(set).length > 0) {
      await stack.setAllConfig(set, true);
    }
    if (remove.length > 0) {
      await stack.removeAllConfig(remove, true);
    }
  } catch (error) {
    throw pulumiCommandError(error, stack.name, "write the config of");
  }
}

const accessPointsSchema = z.record(z.string(), z.string());

/**
 * Returns the `accessPoints` output (service name to URL) from stack outputs. Returns an empty
 * map when there is no such output yet or it is secret, because secrets are never printed.
 */
export function accessPointsFrom(outputs: OutputMap): Record<string, string> {
  const accessPoints = outputs.accessPoints;
  if (!accessPoints || accessPoints.secret) {
    return {};
  }
  const parsed = accessPointsSchema.safeParse(accessPoints.value);
  return parsed.success ? parsed.data : {};
}

/** Reads the `accessPoints` output of the last update. */
export async function readAccessPoints(stack: Stack): Promise<Record<string, string>> {
  try {
    return accessPointsFrom(await stack.outputs());
  } catch (error) {
    throw pulumiCommandError(error, stack.name, "read the outputs of");
  }
}
