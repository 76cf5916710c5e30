/**
 * Pulumi backend and secrets passphrase for every workspace command.
 *
 * The backend is `--backend`, else `PULUMI_BACKEND_URL`, else a file backend in
 * `<project root>/.pulumi-state`. The passphrase comes from `PULUMI_CONFIG_PASSPHRASE` or
 * `PULUMI_CONFIG_PASSPHRASE_FILE` when either is set. Otherwise a random passphrase is created
 * once in `.pulumi-state/passphrase` and passed by file, so the CLI never prints it.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const STATE_DIR_NAME = ".pulumi-state";
export const PASSPHRASE_FILE_NAME = "passphrase";

export interface BackendSettings {
  /** Environment variables passed to every Pulumi command. */
  readonly envVars: Record<string, string>;
  /** Backend URL, for messages. */
  readonly backendUrl: string;
  /** Passphrase file created by this call, if any; the caller tells the user where it is. */
  readonly createdPassphraseFile?: string;
}

/** Returns the default file backend URL for a project root. */
export function defaultBackendUrl(projectRoot: string): string {
  return `file://${path.join(projectRoot, STATE_DIR_NAME)}`;
}

function ensureStateDir(projectRoot: string): string {
  const stateDir = path.join(projectRoot, STATE_DIR_NAME);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  return stateDir;
}

/**
 * Returns the passphrase file path, creating the file with a random passphrase and mode 0600 when
 * it does not exist yet. `created` is true only on that first call.
 */
export function ensurePassphraseFile(projectRoot: string): { file: string; created: boolean } {
  const file = path.join(ensureStateDir(projectRoot), PASSPHRASE_FILE_NAME);
  try {
    // The "wx" flag fails when the file exists, so an existing passphrase is never overwritten.
    fs.writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, {
      flag: "wx",
      mode: 0o600,
    });
    return { file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      return { file, created: false };
    }
    throw error;
  }
}

/** Resolves the backend and passphrase variables for the workspace, creating files as needed. */
export function resolveBackend(
  projectRoot: string,
  env: NodeJS.ProcessEnv,
  backendFlag: string | undefined,
): BackendSettings {
  const envVars: Record<string, string> = {};
  let backendUrl = backendFlag ?? env.PULUMI_BACKEND_URL;
  if (backendUrl === undefined || backendUrl === "") {
    ensureStateDir(projectRoot);
    backendUrl = defaultBackendUrl(projectRoot);
  }
  envVars.PULUMI_BACKEND_URL = backendUrl;

  // An empty passphrase is valid for Pulumi, so only an unset variable counts as missing.
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) {
    envVars.PULUMI_CONFIG_PASSPHRASE = env.PULUMI_CONFIG_PASSPHRASE;
    return { envVars, backendUrl };
  }
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE !== "") {
    envVars.PULUMI_CONFIG_PASSPHRASE_FILE = env.PULUMI_CONFIG_PASSPHRASE_FILE;
    return { envVars, backendUrl };
  }
  const { file, created } = ensurePassphraseFile(projectRoot);
  envVars.PULUMI_CONFIG_PASSPHRASE_FILE = file;
  return { envVars, backendUrl, createdPassphraseFile: created ? file : undefined };
}
