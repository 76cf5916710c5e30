/**
 * Runs one `pipeline` invocation: parses the arguments, opens the stack, dispatches the command
 * and maps failures to exit codes.
 */
import { parseCliArgs, type CliOptions } from "./args";
import { rejectBeforeStack, runTransition } from "./apply";
import { CliError, ExitCode, errorMessage } from "./errors";
import { helpText, versionText } from "./help";
import { runLogs } from "./logs";
import { Printer } from "./output";
import { runRestart } from "./restart";
import { openSession, type CliContext } from "./session";
import { runStatus } from "./status";

/** Commands that only read; they do not create a missing stack. */
const READ_ONLY = new Set(["status", "logs", "restart-level"]);

async function runStackCommand(
  ctx: CliContext,
  printer: Printer,
  options: CliOptions,
): Promise<number> {
  const command = options.command;
  rejectBeforeStack(command);
  const session = await openSession(ctx, printer, options, !READ_ONLY.has(command.kind));
  switch (command.kind) {
    case "status":
      return runStatus(session);
    case "logs":
      return runLogs(session, command);
    case "restart-level":
      return runRestart(session, command);
    case "help":
    case "version":
      throw new Error(`--${command.kind} needs no stack`);
    default:
      return runTransition(session, command);
  }
}

function report(error: unknown, printer: Printer, env: NodeJS.ProcessEnv): number {
  if (error instanceof CliError) {
    printer.error(error.message);
    for (const line of error.details) {
      printer.note(line);
    }
    return error.exitCode;
  }
  // Anything else is a defect in the CLI; its stack trace is printed only on request.
  printer.error(`Unexpected failure: ${errorMessage(error)}`);
  if (env.PIPELINE_DEBUG === "1" && error instanceof Error && error.stack) {
    printer.note(error.stack);
  } else {
    printer.note("This is a bug in the pipeline command. Run it again with PIPELINE_DEBUG=1 to");
    printer.note("print the stack trace, and report it with the command you ran.");
  }
  return ExitCode.failed;
}

/** Runs the CLI with `argv` (without the node and script paths) and returns the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const printer = new Printer(ctx.stdout, ctx.stderr, ctx.env);
  try {
    const options = parseCliArgs(argv, ctx.now());
    if (options.command.kind === "help") {
      printer.line(helpText());
      return ExitCode.ok;
    }
    if (options.command.kind === "version") {
      printer.line(versionText());
      return ExitCode.ok;
    }
    return await runStackCommand(ctx, printer, options);
  } catch (error) {
    return report(error, printer, ctx.env);
  }
}
