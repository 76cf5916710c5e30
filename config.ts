/**
 * Stack config: the only module that reads `pulumi.Config`. It validates every key of the
 * `clinical-mlops` namespace at once and hands typed values to the levels, so an invalid config
 * fails before any resource is declared, with one message that lists every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

import {
  hostAddressSchema,
  imageReferenceSchema,
  isHostName,
  limitsSchema,
  nearestMatch,
  redactUrl,
  secretProblem,
  wholeNumber,
} from "./config-values";
import {
  BUILT_SERVICES,
  DEFAULT_IMAGES,
  DEFAULT_LIMITS,
  FALLBACK_LIMITS,
  PUBLISHED_PORTS,
  ResourceLimits,
} from "./levels/catalog";
import {
  IMPLEMENTED_LEVELS,
  LEVELS,
  LEVEL_KEYS,
  LEVEL_STATES,
  LevelKey,
  LevelState,
  LevelStates,
} from "./levels/model";

export { nearestMatch } from "./config-values";

export const CONFIG_NAMESPACE = "clinical-mlops";

/** Config keys that hold passwords or tokens; each is generated when it is not set. */
export const SECRET_KEYS = [
  "minioRootPassword",
  "postgresMlflowPassword",
  "postgresAirflowPassword",
  "redisPassword",
  "kafkaUiPassword",
  "rabbitmqPassword",
  "gatewayToken",
] as const;

export type SecretKey = (typeof SECRET_KEYS)[number];

const PLAIN_KEYS = [
  "levels",
  "bindAddress",
  "publicHost",
  "portOffset",
  "ports",
  "images",
  "resources",
  "dockerHost",
  "minioRootUser",
] as const;

/** Validated stack config, with every default applied. */
export interface StackConfig {
  /** Pulumi stack name; part of every physical Docker name. */
  readonly stack: string;
  /** Desired state of every level; levels missing from config are `absent`. */
  readonly levels: LevelStates;
  /** Host address that published ports bind to. Defaults to 127.0.0.1. */
  readonly bindAddress: string;
  /** Host name used in access URLs and in Kafka's host listener. Defaults to localhost. */
  readonly publicHost: string;
  /** Effective host port of every published port id, after `portOffset` and overrides. */
  readonly hostPorts: Readonly<Record<string, number>>;
  /** Image reference overrides by service name. */
  readonly images: Readonly<Record<string, string>>;
  /** Effective resource limits by service name. */
  readonly limits: Readonly<Record<string, ResourceLimits>>;
  /** Docker daemon address for an explicit provider; undefined means DOCKER_HOST or the default socket. */
  readonly dockerHost?: string;
  /** MinIO root user name. Defaults to `clinical-mlops`. */
  readonly minioRootUser: string;
  /** Secrets set with `pulumi config set --secret`; a missing one is generated. */
  readonly secrets: Readonly<Partial<Record<SecretKey, pulumi.Output<string>>>>;
}

/** An invalid stack config; the message lists every problem found. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid stack config in namespace "${CONFIG_NAMESPACE}":\n` +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

const ALL_SERVICES = LEVELS.flatMap((level) => [...level.services, ...level.jobs]);
/** Services whose image `images` may replace: pulled defaults and built workloads. */
const IMAGE_SERVICES = [...Object.keys(DEFAULT_IMAGES), ...BUILT_SERVICES];
/** Host ports go up to 65535, so the offset must keep the highest default port below that. */
const MAX_PORT_OFFSET = 65535 - Math.max(...PUBLISHED_PORTS.map((port) => port.defaultHostPort));
const PORT_IDS = PUBLISHED_PORTS.map((port) => port.id);

function unknownKeyProblem(path: string, key: string, valid: readonly string[]): string {
  const suggestion = nearestMatch(key, valid);
  const hint = suggestion ? ` Did you mean "${suggestion}"?` : "";
  return `${path}${key} is not a known key.${hint} Valid keys: ${valid.join(", ")}.`;
}

/** Parses a JSON-valued key; config set with `--path` or as a YAML map arrives as JSON text. */
function parseJsonObject(key: string, text: string | undefined, problems: string[]): unknown {
  if (text === undefined) {
    return {};
  }
  try {
    return JSON.parse(text);
  } catch {
    problems.push(`${key} must be a map, but its value is not valid JSON: ${text}`);
    return {};
  }
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

function parseLevels(raw: unknown, problems: string[]): LevelStates {
  const states = Object.fromEntries(LEVEL_KEYS.map((key) => [key, "absent"])) as Record<
    LevelKey,
    LevelState
  >;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(
      `levels must be a map from level key to state, for example {"infrastructure": "running"}; got ${describeValue(raw)}.`,
    );
    return states;
  }

  for (const [key, state] of Object.entries(raw)) {
    if (!(LEVEL_KEYS as readonly string[]).includes(key)) {
      problems.push(unknownKeyProblem("levels.", key, LEVEL_KEYS));
      continue;
    }
    if (typeof state !== "string" || !(LEVEL_STATES as readonly string[]).includes(state)) {
      problems.push(
        `levels.${key} has the invalid state ${describeValue(state)}; valid states are ${LEVEL_STATES.join(", ")}.`,
      );
      continue;
    }
    const level = LEVELS.find((candidate) => candidate.key === key);
    if (state === "running" && level && !IMPLEMENTED_LEVELS.includes(level.number)) {
      problems.push(
        `levels.${key} is running, but level ${level.number} (${level.title}) has no services in this version; set it to absent.`,
      );
      continue;
    }
    states[key as LevelKey] = state as LevelState;
  }

  checkLevelDependencies(states, problems);
  return states;
}

function checkLevelDependencies(states: LevelStates, problems: string[]): void {
  for (const level of LEVELS) {
    if (states[level.key] !== "running") {
      continue;
    }
    for (const dependencyNumber of level.dependsOn) {
      const dependency = LEVELS[dependencyNumber];
      const dependencyState = states[dependency.key];
      if (dependencyState !== "running") {
        problems.push(
          `levels.${level.key} is running but levels.${dependency.key} is ${dependencyState}; ` +
            `set levels.${dependency.key} to running, or run \`pipeline --start-level ${level.number}\`.`,
        );
      }
    }
  }
}

const portSchema = wholeNumber(1, 65535);

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? ` (${issue.path.join(".")})` : "";
  return `${issue.message}${path}`;
}

/** Parses a `service -> value` map whose keys must be services of the level model. */
function parseServiceMap<T>(
  key: string,
  raw: unknown,
  schema: z.ZodType<T, unknown>,
  validServices: readonly string[],
  problems: string[],
): Record<string, T> {
  const result: Record<string, T> = {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(`${key} must be a map from service name to value; got ${describeValue(raw)}.`);
    return result;
  }
  for (const [service, value] of Object.entries(raw)) {
    if (!validServices.includes(service)) {
      problems.push(unknownKeyProblem(`${key}.`, service, validServices));
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      problems.push(`${key}.${service} = ${describeValue(value)} ${firstIssue(parsed.error)}.`);
      continue;
    }
    result[service] = parsed.data;
  }
  return result;
}

function parseHostPorts(offsetText: string | undefined, rawPorts: unknown, problems: string[]) {
  let offset = 0;
  if (offsetText !== undefined) {
    const parsed = wholeNumber(0, MAX_PORT_OFFSET).safeParse(offsetText);
    if (parsed.success) {
      offset = parsed.data;
    } else {
      problems.push(
        `portOffset = "${offsetText}" is invalid; use a whole number from 0 to ${MAX_PORT_OFFSET}.`,
      );
    }
  }

  const overrides: Record<string, unknown> =
    typeof rawPorts === "object" && rawPorts !== null && !Array.isArray(rawPorts)
      ? (rawPorts as Record<string, unknown>)
      : {};
  if (overrides !== rawPorts) {
    problems.push(`ports must be a map from port id to host port; got ${describeValue(rawPorts)}.`);
  }
  for (const [id, value] of Object.entries(overrides)) {
    if (!PORT_IDS.includes(id)) {
      problems.push(unknownKeyProblem("ports.", id, PORT_IDS));
    } else if (!portSchema.safeParse(value).success) {
      problems.push(
        `ports.${id} = ${describeValue(value)} is invalid; use a port from 1 to 65535.`,
      );
    }
  }

  const hostPorts: Record<string, number> = {};
  for (const port of PUBLISHED_PORTS) {
    const override = portSchema.safeParse(overrides[port.id]);
    const hostPort = override.success ? override.data : port.defaultHostPort + offset;
    hostPorts[port.id] = hostPort;
  }
  checkPortConflicts(hostPorts, problems);
  return hostPorts;
}

function checkPortConflicts(hostPorts: Record<string, number>, problems: string[]): void {
  const owners = new Map<number, string>();
  for (const [id, hostPort] of Object.entries(hostPorts)) {
    const owner = owners.get(hostPort);
    if (owner) {
      problems.push(
        `ports.${owner} and ports.${id} both use host port ${hostPort}; set one of them to a free port.`,
      );
    } else {
      owners.set(hostPort, id);
    }
  }
}

function parseDockerHost(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined || value === "") {
    return undefined;
  }
  if (!/^(unix|tcp|ssh|npipe):\/\/.+/.test(value)) {
    problems.push(
      `dockerHost = "${redactUrl(value)}" is invalid; use unix:///path/to/docker.sock, tcp://host:2376 or ssh://user@host.`,
    );
    return undefined;
  }
  return value;
}

/**
 * Validates raw config values (as `pulumi.runtime.allConfig()` returns them, keys without the
 * namespace) and returns typed values. Throws a ConfigError that lists every problem.
 */
export function parseStackConfig(
  stack: string,
  raw: Readonly<Record<string, string | undefined>>,
  otherNamespaces: readonly string[] = [],
): Omit<StackConfig, "secrets"> {
  const problems: string[] = [];
  for (const namespace of otherNamespaces) {
    // A misspelt namespace would make every key in it silently ignored.
    if (nearestMatch(namespace, [CONFIG_NAMESPACE])) {
      problems.push(
        `Config namespace "${namespace}" is not read by this program. Did you mean "${CONFIG_NAMESPACE}"? Move its keys there.`,
      );
    }
  }
  // Stack names become part of Docker container, volume and image names.
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(stack)) {
    problems.push(
      `The stack name "${stack}" cannot be part of Docker names; use a stack whose name has only lowercase letters, digits, dots, dashes and underscores.`,
    );
  }
  const knownKeys: readonly string[] = [...PLAIN_KEYS, ...SECRET_KEYS];
  for (const key of Object.keys(raw)) {
    if (!knownKeys.includes(key)) {
      problems.push(unknownKeyProblem(`${CONFIG_NAMESPACE}:`, key, knownKeys));
    }
  }

  const levels = parseLevels(parseJsonObject("levels", raw.levels, problems), problems);

  const bindAddress = raw.bindAddress ?? "127.0.0.1";
  if (!hostAddressSchema.safeParse(bindAddress).success) {
    problems.push(
      `bindAddress = "${bindAddress}" is not an IP address; use 127.0.0.1 (this host only) or 0.0.0.0 (all interfaces).`,
    );
  }
  const publicHost = raw.publicHost ?? "localhost";
  if (!isHostName(publicHost)) {
    problems.push(
      `publicHost = "${publicHost}" is not a DNS name or IPv4 address; use for example localhost or docker-host.example.`,
    );
  }

  const hostPorts = parseHostPorts(
    raw.portOffset,
    parseJsonObject("ports", raw.ports, problems),
    problems,
  );
  const images = parseServiceMap(
    "images",
    parseJsonObject("images", raw.images, problems),
    imageReferenceSchema,
    IMAGE_SERVICES,
    problems,
  );
  const limitOverrides = parseServiceMap(
    "resources",
    parseJsonObject("resources", raw.resources, problems),
    limitsSchema,
    ALL_SERVICES,
    problems,
  );
  const dockerHost = parseDockerHost(raw.dockerHost, problems);

  const minioRootUser = raw.minioRootUser ?? "clinical-mlops";
  if (!/^[A-Za-z0-9._-]{3,64}$/.test(minioRootUser)) {
    problems.push(
      `minioRootUser = "${minioRootUser}" is invalid; use 3 to 64 letters, digits, dots, dashes or underscores.`,
    );
  }

  for (const key of SECRET_KEYS) {
    const value = raw[key];
    const problem = value === undefined ? undefined : secretProblem(key, value);
    if (problem) {
      problems.push(problem);
    }
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }

  const limits: Record<string, ResourceLimits> = { ...DEFAULT_LIMITS };
  for (const [service, override] of Object.entries(limitOverrides)) {
    const base = limits[service] ?? FALLBACK_LIMITS;
    limits[service] = { ...base, ...override };
  }

  return {
    stack,
    levels,
    bindAddress,
    publicHost,
    hostPorts,
    images,
    limits,
    dockerHost,
    minioRootUser,
  };
}

/** Reads and validates the current stack's config. */
export function readStackConfig(): StackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, string> = {};
  const otherNamespaces = new Set<string>();
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) {
      raw[key.slice(prefix.length)] = value;
    } else {
      otherNamespaces.add(key.split(":")[0]);
    }
  }

  const parsed = parseStackConfig(pulumi.getStack(), raw, [...otherNamespaces]);
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const secrets: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of SECRET_KEYS) {
    const value = config.getSecret(key);
    if (value !== undefined) {
      secrets[key] = value;
    }
  }
  return { ...parsed, secrets };
}
