/**
 * The Docker daemon as the CLI uses it: the host to connect to, a reachability check, and the
 * stack's containers and volumes, found by the labels that every container and volume carries.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import Dockerode from "dockerode";

import { LABEL_KEYS, type ContainerRole } from "../components/naming";
import { CliError, ExitCode, errorMessage } from "./errors";
import { redactUrl } from "./output";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
const PING_TIMEOUT_MS = 5000;

export interface DockerTarget {
  /** The host as the user wrote it, for example `unix:///var/run/docker.sock`. */
  readonly url: string;
  /** Origin of the host setting, for messages. */
  readonly source: "config" | "env" | "default";
  readonly options: Dockerode.DockerOptions;
}

/** Returns where `target` came from, in the words of an error message. */
export function describeTarget(target: DockerTarget): string {
  const url = redactUrl(target.url);
  switch (target.source) {
    case "config":
      return `${url} (from the clinical-mlops:dockerHost config)`;
    case "env":
      return `${url} (from DOCKER_HOST)`;
    default:
      return `${url} (the default socket; set DOCKER_HOST or clinical-mlops:dockerHost to use another daemon)`;
  }
}

function tlsFiles(env: NodeJS.ProcessEnv): Pick<Dockerode.DockerOptions, "ca" | "cert" | "key"> {
  const certDir = env.DOCKER_CERT_PATH ?? path.join(env.HOME ?? os.homedir(), ".docker");
  const read = (name: string) => {
    const file = path.join(certDir, name);
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  };
  return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}

/**
 * Converts a Docker host URL (`unix://`, `tcp://`, `ssh://`, `npipe://` or a socket path) to dockerode
 * options. Every connection key is set, because docker-modem otherwise merges in `DOCKER_HOST`
 * from the process environment.
 */
export function dockerOptionsFor(url: string, env: NodeJS.ProcessEnv): Dockerode.DockerOptions {
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined };
  if (url.startsWith("/")) {
    return { ...none, socketPath: url };
  }
  if (url.startsWith("unix://")) {
    return { ...none, socketPath: url.slice("unix://".length) || DEFAULT_DOCKER_SOCKET };
  }
  if (url.startsWith("npipe://")) {
    // npipe:////./pipe/docker_engine names the Windows pipe //./pipe/docker_engine.
    return { ...none, socketPath: url.slice("npipe://".length) || "//./pipe/docker_engine" };
  }

  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol === "tcp:" && parsed.hostname !== "") {
    const tls = env.DOCKER_TLS_VERIFY === "1";
    const port = parsed.port || (tls ? "2376" : "2375");
    return tls
      ? { ...none, host: parsed.hostname, port, protocol: "https", ...tlsFiles(env) }
      : { ...none, host: parsed.hostname, port, protocol: "http" };
  }
  if (parsed?.protocol === "ssh:" && parsed.hostname !== "") {
    return {
      ...none,
      host: parsed.hostname,
      port: parsed.port || "22",
      protocol: "ssh",
      username: parsed.username || undefined,
      sshOptions: { agent: env.SSH_AUTH_SOCK },
    };
  }
  throw new CliError(
    `Invalid Docker host "${redactUrl(url)}": use unix:///path/to/docker.sock, tcp://host:port, ssh://user@host or npipe:////./pipe/docker_engine.`,
    ExitCode.usage,
  );
}

function optionsFrom(url: string, env: NodeJS.ProcessEnv, origin: string): Dockerode.DockerOptions {
  try {
    return dockerOptionsFor(url, env);
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(`${error.message} Fix ${origin}.`, error.exitCode);
    }
    throw error;
  }
}

/**
 * Picks the Docker host: the stack's `dockerHost` config, then `DOCKER_HOST`, then the default
 * socket. Throws a usage `CliError` that names the setting when the chosen host is invalid.
 */
export function resolveDockerTarget(
  configHost: string | undefined,
  env: NodeJS.ProcessEnv,
): DockerTarget {
  if (configHost !== undefined && configHost !== "") {
    const options = optionsFrom(configHost, env, "the clinical-mlops:dockerHost config");
    return { url: configHost, source: "config", options };
  }
  if (env.DOCKER_HOST !== undefined && env.DOCKER_HOST !== "") {
    const options = optionsFrom(env.DOCKER_HOST, env, "DOCKER_HOST");
    return { url: env.DOCKER_HOST, source: "env", options };
  }
  const url = `unix://${DEFAULT_DOCKER_SOCKET}`;
  return { url, source: "default", options: dockerOptionsFor(url, env) };
}

function unreachableHints(target: DockerTarget): string[] {
  const socketPath = target.options.socketPath;
  if (socketPath !== undefined) {
    return [
      `Check that the Docker daemon is running, that ${socketPath} exists and that your user may open it`,
      "(on Linux, membership of the docker group). `docker info` shows the same problem if there is one.",
    ];
  }
  if (target.options.protocol === "ssh") {
    return [
      `Check that \`ssh ${target.options.host} docker info\` works without a password prompt.`,
    ];
  }
  return [
    `Check that a Docker daemon listens on ${target.options.host}:${target.options.port}`,
    "and that TLS settings (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) match the daemon.",
  ];
}

/** Connects to the daemon and pings it; throws a `CliError` that names the host when the ping fails. */
export async function connectDocker(target: DockerTarget): Promise<Dockerode> {
  const docker = new Dockerode(target.options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no response within ${PING_TIMEOUT_MS / 1000} s`)),
      PING_TIMEOUT_MS,
    );
    timer.unref();
  });
  try {
    await Promise.race([docker.ping(), timeout]);
    return docker;
  } catch (error) {
    throw new CliError(
      `Cannot reach the Docker daemon at ${describeTarget(target)}: ${errorMessage(error).trim()}`,
      ExitCode.dockerUnreachable,
      unreachableHints(target),
    );
  } finally {
    clearTimeout(timer);
  }
}

function requestFailureHints(status: number | undefined, action: string): string[] {
  if (status === 401 || status === 403) {
    return [
      "The daemon, or a socket proxy or authorization plugin in front of it, denied the request.",
      `Allow this client to ${action}, or point DOCKER_HOST or clinical-mlops:dockerHost at a daemon that permits it.`,
    ];
  }
  return [
    "Check the Docker daemon's log (for example `journalctl -u docker`); `docker ps` and",
    "`docker volume ls` against the same host show whether the daemon works for other clients.",
  ];
}

/**
 * Returns the `CliError` for a Docker API request that failed after the ping succeeded, naming
 * the host, the action and Docker's message (docker-modem puts the HTTP status into it).
 */
export function dockerRequestError(error: unknown, target: DockerTarget, action: string): CliError {
  const status = (error as { statusCode?: unknown }).statusCode;
  const statusCode = typeof status === "number" ? status : undefined;
  return new CliError(
    `The Docker daemon at ${describeTarget(target)} failed to ${action}: ${errorMessage(error).trim()}`,
    ExitCode.failed,
    requestFailureHints(statusCode, action),
  );
}

/** Runs one Docker API call and turns its failure into a `CliError` naming the action. */
export async function dockerRequest<T>(
  target: DockerTarget,
  action: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw dockerRequestError(error, target, action);
  }
}

/** True when a Docker API error is a 404, for example a container removed meanwhile. */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: unknown }).statusCode === 404;
}

/** Label filters for the stack's objects, narrowed to a level or a service when given. */
export function labelFilters(
  stack: string,
  narrow: { readonly level?: number; readonly service?: string } = {},
): string[] {
  const filters = [`${LABEL_KEYS.stack}=${stack}`];
  if (narrow.level !== undefined) {
    filters.push(`${LABEL_KEYS.level}=${narrow.level}`);
  }
  if (narrow.service !== undefined) {
    filters.push(`${LABEL_KEYS.service}=${narrow.service}`);
  }
  return filters;
}

export interface StackContainer {
  readonly id: string;
  /** Container name without the leading slash. */
  readonly name: string;
  readonly service: string;
  readonly level: number | undefined;
  readonly role: ContainerRole | undefined;
  /** Docker's state word: created, running, restarting, exited, paused or dead. */
  readonly state: string;
  readonly ports: readonly Dockerode.Port[];
}

function toStackContainer(info: Dockerode.ContainerInfo): StackContainer {
  const labels = info.Labels ?? {};
  const levelLabel = labels[LABEL_KEYS.level];
  const role = labels[LABEL_KEYS.role];
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? info.Id).replace(/^\//, ""),
    service: labels[LABEL_KEYS.service] ?? (info.Names?.[0] ?? info.Id).replace(/^\//, ""),
    level: levelLabel !== undefined && /^\d+$/.test(levelLabel) ? Number(levelLabel) : undefined,
    role: role === "service" || role === "job" ? role : undefined,
    state: info.State,
    ports: info.Ports ?? [],
  };
}

/** Lists the stack's containers, running or not, optionally of one level or service. */
export async function listStackContainers(
  docker: Dockerode,
  stack: string,
  narrow: { readonly level?: number; readonly service?: string } = {},
): Promise<StackContainer[]> {
  const infos = await docker.listContainers({
    all: true,
    filters: { label: labelFilters(stack, narrow) },
  });
  return infos.map(toStackContainer);
}

/** Lists the stack's volumes by label, optionally of one level. */
export async function listStackVolumes(
  docker: Dockerode,
  stack: string,
  level?: number,
): Promise<Dockerode.VolumeInspectInfo[]> {
  const result = await docker.listVolumes({ filters: { label: labelFilters(stack, { level }) } });
  return [...(result.Volumes ?? [])].sort((a, b) => a.Name.localeCompare(b.Name));
}
