/**
 * Questions on the terminal. The prompt goes to stderr so stdout stays clean for output.
 */
import * as readline from "node:readline";

import type { OutputStream } from "./output";

export interface PromptStreams {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stderr: OutputStream;
}

/** Prints `question` and returns the next input line, trimmed; end of input returns "". */
export function readAnswer(streams: PromptStreams, question: string): Promise<string> {
  return new Promise((resolve) => {
    // terminal: false leaves line editing to the terminal driver and works on piped input too.
    const rl = readline.createInterface({ input: streams.stdin, terminal: false });
    let answered = false;
    streams.stderr.write(question);
    rl.once("line", (line) => {
      answered = true;
      rl.close();
      resolve(line.trim());
    });
    rl.once("close", () => {
      if (!answered) {
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
