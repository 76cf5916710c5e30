import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger } from "../src/logger";
import { computeBackoffDelay, describeError, retryWithBackoff } from "../src/retry";

/** Creates a logger that keeps its JSON lines for assertions. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ service: "test", level: "debug", destination }), lines };
}

describe("computeBackoffDelay", () => {
  const cases: [attempt: number, random: number, expected: number][] = [
    [1, 0, 50],
    [1, 0.999999, 100],
    [2, 0, 100],
    [3, 0.5, 300],
    [5, 1, 1600],
    [6, 0, 1000],
    [20, 1, 2000],
  ];
  for (const [attempt, random, expected] of cases) {
    it(`retry ${attempt} with random ${random} waits ${expected} ms`, () => {
      assert.equal(computeBackoffDelay(attempt, 100, 2000, random), expected);
    });
  }
});

describe("retryWithBackoff", () => {
  it("returns the first success and logs each failure", async () => {
    const { logger, lines } = recordingLogger();
    const attempts: number[] = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) {
          throw new Error(`not ready ${attempt}`);
        }
        return "ready";
      },
      { name: "connect", logger, initialDelayMs: 1, maxDelayMs: 2, random: () => 0 },
    );

    assert.equal(result, "ready");
    assert.deepEqual(attempts, [1, 2, 3]);
    const warnings = lines.filter((line) => line.level === 40);
    assert.equal(warnings.length, 2);
    assert.equal(warnings[0].msg, "connect failed, retrying in 1 ms");
    assert.equal(warnings[0].attempt, 1);
    assert.equal(warnings[1].error, "not ready 2");
  });

  it("throws the last error after maxAttempts", async () => {
    const { logger, lines } = recordingLogger();
    let calls = 0;
    await assert.rejects(
      retryWithBackoff(
        async () => {
          calls++;
          throw new Error(`failure ${calls}`);
        },
        { name: "publish", logger, initialDelayMs: 1, maxAttempts: 3 },
      ),
      /failure 3/,
    );
    assert.equal(calls, 3);
    const errors = lines.filter((line) => line.level === 50);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].msg, "publish failed after 3 attempt(s), giving up");
  });

  it("does not retry an error that isRetryable rejects", async () => {
    const { logger } = recordingLogger();
    let calls = 0;
    await assert.rejects(
      retryWithBackoff(
        async () => {
          calls++;
          throw new RangeError("bad request");
        },
        { name: "submit", logger, isRetryable: (error) => !(error instanceof RangeError) },
      ),
      RangeError,
    );
    assert.equal(calls, 1);
  });

  it("stops waiting when the signal aborts", async () => {
    const { logger } = recordingLogger();
    const controller = new AbortController();
    const started = Date.now();
    const pending = retryWithBackoff(
      async () => {
        throw new Error("down");
      },
      { name: "wait", logger, initialDelayMs: 60_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error("shutting down")), 20);

    await assert.rejects(pending, /shutting down/);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe("describeError", () => {
  const cases: [name: string, error: unknown, expected: string][] = [
    ["a plain error", new Error("connection refused"), "connection refused"],
    ["a string", "timeout", "timeout"],
    [
      "an error with a cause",
      new Error("publish failed.", { cause: new Error("channel closed") }),
      "publish failed: channel closed",
    ],
    [
      "aggregated errors with repeats",
      new AggregateError(
        [
          new Error("connect ECONNREFUSED 127.0.0.1:9092"),
          new Error("connect ECONNREFUSED 127.0.0.1:9092"),
        ],
        "metadata failed 6 times.",
      ),
      "metadata failed 6 times: connect ECONNREFUSED 127.0.0.1:9092",
    ],
  ];
  for (const [name, error, expected] of cases) {
    it(`describes ${name}`, () => {
      assert.equal(describeError(error), expected);
    });
  }
});
