/**
 * Entry point of the `pipeline` command (see bin/pipeline.js). The first Ctrl-C requests a clean
 * stop of the running operation, and a second one exits at once with code 130.
 */
import * as path from "node:path";

import { ExitCode } from "./errors";
import { runCli } from "./run";

const POLL_INTERVAL_MS = 1000;
const LOG_RESCAN_MS = 3000;

function main(): void {
  const interrupt = new AbortController();
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) {
      process.exit(ExitCode.interrupted);
    }
    interrupt.abort();
  });

  runCli(process.argv.slice(2), {
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    projectRoot: path.resolve(__dirname, ".."),
    interrupt: interrupt.signal,
    pollIntervalMs: POLL_INTERVAL_MS,
    logRescanMs: LOG_RESCAN_MS,
    now: Date.now,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`Unexpected failure: ${String(error)}\n`);
      process.exitCode = ExitCode.failed;
    },
  );
}

main();
