/**
 * Questions on the terminal. The prompt goes to stderr so stdout stays clean for output.
 */
import * as readline from "node:readline";

import { CliError, ExitCode } from "./errors";
import type { OutputStream } from "./output";

export interface PromptStreams {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stderr: OutputStream;
  /** Aborted on the first Ctrl-C, which cancels the question. */
  readonly interrupt: AbortSignal;
}

function cancelled(): CliError {
  return new CliError("Cancelled with Ctrl-C; nothing was changed.", ExitCode.interrupted);
}

/**
 * Prints `question` and returns the next input line, trimmed, or "" at the end of input. Rejects
 * with a `CliError` (exit code 130) when Ctrl-C is pressed before a line arrives.
 */
export function readAnswer(streams: PromptStreams, question: string): Promise<string> {
  if (streams.interrupt.aborted) {
    return Promise.reject(cancelled());
  }
  return new Promise((resolve, reject) => {
    // terminal: false leaves line editing to the terminal driver and works on piped input too.
    const rl = readline.createInterface({ input: streams.stdin, terminal: false });
    let settled = false;
    const onInterrupt = () => {
      settled = true;
      rl.close();
      streams.stderr.write("\n");
      reject(cancelled());
    };
    streams.interrupt.addEventListener("abort", onInterrupt, { once: true });
    streams.stderr.write(question);
    rl.once("line", (line) => {
      settled = true;
      streams.interrupt.removeEventListener("abort", onInterrupt);
      rl.close();
      resolve(line.trim());
    });
    rl.once("close", () => {
      streams.interrupt.removeEventListener("abort", onInterrupt);
      if (!settled) {
        settled = true;
        streams.stderr.write("\n");
        resolve("");
      }
    });
  });
}

/** Asks a yes/no question that defaults to no. */
export async function askYesNo(streams: PromptStreams, question: string): Promise<boolean> {
  const answer = await readAnswer(streams, `${question} [y/N] `);
  return /^y(es)?$/i.test(answer);
}

/** Asks the user to type `yes` exactly; any other input declines. */
export async function askTypedYes(streams: PromptStreams, question: string): Promise<boolean> {
  const answer = await readAnswer(streams, `${question}\nType yes to continue: `);
  return answer === "yes";
}
