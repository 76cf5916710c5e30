/**
 * A `CliContext` for tests: captured output, a temporary project root with Pulumi.yaml, an
 * environment that points only at the fakes, and a Ctrl-C that the test can press.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";

import { runCli } from "../../../cli/run";
import type { CliContext } from "../../../cli/session";

export class CapturedStream {
  text = "";

  constructor(readonly isTTY = false) {}

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface TestRun {
  readonly ctx: CliContext;
  readonly stdout: CapturedStream;
  readonly stderr: CapturedStream;
  readonly stdin: PassThrough & { isTTY?: boolean };
  /** Presses Ctrl-C once. */
  readonly interrupt: () => void;
  run(argv: string[]): Promise<number>;
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pipeline-${prefix}-`));
}

/** Creates a project root that has a Pulumi.yaml, as the CLI requires. */
export function makeProjectRoot(parent: string): string {
  const root = path.join(parent, "project");
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: clinical-mlops\nruntime: nodejs\n");
  return root;
}

export interface TestContextOptions {
  readonly projectRoot: string;
  readonly env: NodeJS.ProcessEnv;
  /** Simulates a terminal on stdin, so the CLI prompts for confirmations. */
  readonly interactive?: boolean;
  readonly stdoutIsTTY?: boolean;
  readonly now?: () => number;
}

export function testContext(options: TestContextOptions): TestRun {
  const stdout = new CapturedStream(options.stdoutIsTTY ?? false);
  const stderr = new CapturedStream(false);
  const stdin: PassThrough & { isTTY?: boolean } = new PassThrough();
  stdin.isTTY = options.interactive ?? false;
  const controller = new AbortController();
  const ctx: CliContext = {
    env: options.env,
    stdin,
    stdout,
    stderr,
    projectRoot: options.projectRoot,
    interrupt: controller.signal,
    pollIntervalMs: 10,
    logRescanMs: 50,
    now: options.now ?? Date.now,
  };
  return {
    ctx,
    stdout,
    stderr,
    stdin,
    interrupt: () => controller.abort(),
    run: (argv) => runCli(argv, ctx),
  };
}
