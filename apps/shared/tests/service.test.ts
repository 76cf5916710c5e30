import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { z } from "zod";
import { LOG_LEVELS, parseEnv } from "../src/env";
import { runService, type ServiceDefinition } from "../src/service";

const schema = z.object({
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  TOKEN: z.string().min(4).meta({ secret: true }),
});
type Env = z.output<typeof schema>;

/** Collects written text, split into lines. */
class LineSink extends Writable {
  text = "";

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }

  lines(): string[] {
    return this.text.split("\n").filter((line) => line !== "");
  }
}

function definition(
  env: Record<string, string>,
  start: ServiceDefinition<Env>["start"],
): { run: Promise<void>; exits: number[]; stderr: LineSink; stdout: LineSink } {
  const exits: number[] = [];
  const stderr = new LineSink();
  const stdout = new LineSink();
  const run = runService({
    service: "test-service",
    loadEnv: () => parseEnv(schema, env),
    start,
    exit: (code) => exits.push(code),
    stderr,
    logDestination: stdout,
    installSignalHandlers: false,
  });
  return { run, exits, stderr, stdout };
}

describe("runService", () => {
  it("passes the parsed env, logger and shutdown to start", async () => {
    let received: Env | undefined;
    const { run, exits } = definition({ TOKEN: "abcd" }, async ({ env, shutdown }) => {
      received = env;
      assert.equal(shutdown.signal.aborted, false);
    });
    await run;
    assert.deepEqual(received, { LOG_LEVEL: "info", TOKEN: "abcd" });
    assert.deepEqual(exits, []);
  });

  it("writes one stderr line for an invalid env", async () => {
    let started = false;
    const { run, exits, stderr, stdout } = definition({ TOKEN: "ab" }, async () => {
      started = true;
    });
    await run;

    assert.equal(started, false);
    assert.deepEqual(exits, [1]);
    assert.equal(stdout.text, "");
    const lines = stderr.lines();
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.deepEqual(Object.keys(entry), ["level", "service", "msg"]);
    assert.equal(entry.level, "fatal");
    assert.equal(entry.service, "test-service");
    assert.match(String(entry.msg), /^Invalid environment configuration \(1 problem\(s\)\):\n/);
    assert.ok(!lines[0].includes('"ab"'), "the line shows the secret value");
  });

  it("logs an error from start as fatal and exits with 1", async () => {
    const { run, exits, stdout } = definition({ TOKEN: "abcd" }, async () => {
      throw new Error("broker refused the topology");
    });
    await run;

    assert.deepEqual(exits, [1]);
    const lines = stdout.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, 60);
    assert.equal(lines[0].msg, "test-service stopped on an error");
    assert.equal((lines[0].err as { message: string }).message, "broker refused the topology");
  });

  it("ignores an error thrown after shutdown began", async () => {
    const { run, exits, stdout } = definition({ TOKEN: "abcd" }, async ({ shutdown }) => {
      void shutdown.shutdown("SIGTERM");
      throw shutdown.signal.reason;
    });
    await run;

    // The coordinator exits with 0 after its (empty) steps; runService adds no exit of its own.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(exits, [0]);
    assert.ok(!stdout.text.includes('"level":60'), "a fatal line was logged");
  });
});
