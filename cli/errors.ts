/**
 * Exit codes of the `pipeline` command and the error type that carries them.
 *
 * Expected failures throw `CliError`, which `runCli` prints as one message without a stack trace.
 */

export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** A Pulumi update, preview or destroy failed, or a restarted service did not become healthy. */
  failed: 1,
  /** Invalid arguments, an invalid level number or an invalid value in the stack config. */
  usage: 2,
  /** `--status` found a service or job of a running level that is not healthy or completed. */
  unhealthy: 3,
  /** A destructive command was declined, or needs `--yes` because no terminal is attached. */
  notConfirmed: 4,
  /** The `pulumi` CLI is not installed or does not run. */
  pulumiMissing: 5,
  /** The Docker daemon cannot be reached. */
  dockerUnreachable: 6,
  /** Another update holds the stack lock. */
  stackLocked: 7,
  /** The level is not running or has no containers, so there is nothing to restart or follow. */
  notRunning: 8,
  /** The command was interrupted with Ctrl-C while an update ran. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: the message is shown to the user as is, followed by the optional details. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    /** Extra lines printed after the message, for example the last log lines of a service. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Returns the message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Returns the stderr of a failed Pulumi CLI command, trimmed. The Automation API's CommandError
 * keeps it only inside its message, as ` stderr: ...` followed by ` err?: ...`. For a non-zero
 * exit that text is execa's message, whose first line ("Command failed with exit code N: ...")
 * repeats the command line and is dropped.
 */
export function pulumiStderr(error: unknown): string {
  const message = errorMessage(error);
  const match = /\n stderr: ([\s\S]*?)\n err\?:/.exec(message);
  const stderr = match ? match[1] : message;
  return stderr.replace(/^Command failed with exit code \d+: [^\n]*\n/, "").trim();
}
