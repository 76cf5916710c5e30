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
  /** True when the backend is the default file backend and its folder does not exist yet. */
  readonly stateMissing: boolean;
  /** Problems the user should fix, such as a passphrase file that others may read. */
  readonly warnings: readonly string[];
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

/** Returns a warning when group or others may read the passphrase file, else undefined. */
export function passphraseModeWarning(file: string): string | undefined {
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    // A missing file is reported by Pulumi, with the passphrase error it causes.
    return undefined;
  }
  if ((mode & 0o077) === 0) {
    return undefined;
  }
  const octal = mode.toString(8).padStart(4, "0");
  return `The passphrase file ${file} is readable by other users (mode ${octal}); run \`chmod 600 ${file}\`.`;
}

/**
 * Returns the passphrase variable. With `create`, a missing default passphrase file is created.
 * Without it, a missing file means no variable, because no stack can have been created without it.
 */
function passphraseSettings(
  projectRoot: string,
  env: NodeJS.ProcessEnv,
  create: boolean,
): { envVars: Record<string, string>; file?: string; created: boolean } {
  // An empty passphrase is valid for Pulumi, so only an unset variable counts as missing.
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) {
    return { envVars: { PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE }, created: false };
  }
  const envFile = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (envFile !== undefined && envFile !== "") {
    return { envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: envFile }, file: envFile, created: false };
  }
  const defaultFile = path.join(projectRoot, STATE_DIR_NAME, PASSPHRASE_FILE_NAME);
  if (!create && !fs.existsSync(defaultFile)) {
    return { envVars: {}, created: false };
  }
  const { file, created } = ensurePassphraseFile(projectRoot);
  return { envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: file }, file, created };
}

/**
 * Resolves the backend and passphrase variables for the workspace. With `create` (start and stop
 * commands), the default state folder and passphrase file are created as needed; read-only
 * commands create nothing.
 */
export function resolveBackend(
  projectRoot: string,
  env: NodeJS.ProcessEnv,
  backendFlag: string | undefined,
  create = true,
): BackendSettings {
  let backendUrl = backendFlag ?? env.PULUMI_BACKEND_URL;
  let stateMissing = false;
  if (backendUrl === undefined || backendUrl === "") {
    backendUrl = defaultBackendUrl(projectRoot);
    if (create) {
      ensureStateDir(projectRoot);
    } else {
      stateMissing = !fs.existsSync(path.join(projectRoot, STATE_DIR_NAME));
    }
  }

  const passphrase = passphraseSettings(projectRoot, env, create);
  const warning = passphrase.file ? passphraseModeWarning(passphrase.file) : undefined;
  return {
    envVars: { PULUMI_BACKEND_URL: backendUrl, ...passphrase.envVars },
    backendUrl,
    createdPassphraseFile: passphrase.created ? passphrase.file : undefined,
    stateMissing,
    warnings: warning ? [warning] : [],
  };
}
