/**
 * Sets up the fake `pulumi` executable (tests/cli/fixtures/fake-pulumi.js) in a temporary folder
 * laid out like a Pulumi install: `<root>/bin/pulumi`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const FIXTURE = path.join(__dirname, "..", "fixtures", "fake-pulumi.js");

export interface RecordedCall {
  readonly argv: string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
}

export interface ScriptedOperation {
  readonly events?: readonly object[];
  readonly exitCode?: number;
  readonly stderr?: string;
  readonly stdout?: string;
  readonly outputs?: Record<string, { value: unknown; secret: boolean }>;
  readonly waitForInterrupt?: boolean;
}

export interface FakeStackState {
  config: Record<string, unknown>;
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

export class FakePulumi {
  /** Folder with the `pulumi` wrapper; put it on PATH. */
  readonly binDir: string;

  constructor(readonly dir: string) {
    this.binDir = path.join(dir, "pulumi-root", "bin");
    fs.mkdirSync(this.binDir, { recursive: true });
    // The wrapper names node by absolute path, so the fake runs even with a PATH that lacks node.
    const wrapper = `#!/bin/sh\nFAKE_PULUMI_DIR='${dir}' exec '${process.execPath}' '${FIXTURE}' "$@"\n`;
    fs.writeFileSync(path.join(this.binDir, "pulumi"), wrapper, { mode: 0o755 });
  }

  setStacks(stacks: Record<string, FakeStackState>): void {
    fs.writeFileSync(path.join(this.dir, "state.json"), JSON.stringify({ stacks }, null, 2));
  }

  stacks(): Record<string, FakeStackState> {
    const file = path.join(this.dir, "state.json");
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")).stacks : {};
  }

  /**
   * Scripts the operations, and `failures`: commands (such as "stack select" or "config") that
   * exit with the given code and stderr.
   */
  script(
    operations: Partial<Record<"up" | "preview" | "destroy", ScriptedOperation>> & {
      failures?: Record<string, { exitCode: number; stderr: string }>;
    },
  ): void {
    fs.writeFileSync(path.join(this.dir, "script.json"), JSON.stringify(operations, null, 2));
  }

  calls(): RecordedCall[] {
    const file = path.join(this.dir, "calls.jsonl");
    if (!fs.existsSync(file)) {
      return [];
    }
    return fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as RecordedCall);
  }

  /** Returns the calls of one subcommand, for example "up" or "config set-all". */
  callsOf(command: string): RecordedCall[] {
    const words = command.split(" ");
    return this.calls().filter((call) => words.every((word, index) => call.argv[index] === word));
  }

  /** Resolves when a scripted operation with `waitForInterrupt` has started. */
  async waitUntilRunning(operation: "up" | "destroy", timeoutMs = 10000): Promise<void> {
    const marker = path.join(this.dir, `${operation}.waiting`);
    const deadline = Date.now() + timeoutMs;
    while (!fs.existsSync(marker)) {
      if (Date.now() > deadline) {
        throw new Error(`fake pulumi ${operation} did not start within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
