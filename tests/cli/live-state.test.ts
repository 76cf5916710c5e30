import * as assert from "node:assert/strict";

import { demultiplex, LineSplitter, logBufferToLines } from "../../cli/container-logs";
import { lastHealthOutput, liveStateOf, type ContainerState } from "../../cli/live-state";

function state(overrides: Partial<ContainerState>): ContainerState {
  return {
    Status: "running",
    Running: true,
    Paused: false,
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: 1,
    ExitCode: 0,
    Error: "",
    StartedAt: "",
    FinishedAt: "",
    ...overrides,
  };
}

function health(status: string, output = "") {
  return {
    Status: status,
    FailingStreak: 0,
    Log: [{ Start: "", End: "", ExitCode: 1, Output: output }],
  };
}

describe("liveStateOf", () => {
  const cases: [string, ContainerState | undefined, "service" | "job", string, boolean][] = [
    ["missing service", undefined, "service", "missing", false],
    ["healthy service", state({ Health: health("healthy") }), "service", "healthy", true],
    ["unhealthy service", state({ Health: health("unhealthy") }), "service", "unhealthy", false],
    ["starting service", state({ Health: health("starting") }), "service", "starting", false],
    ["service without health check", state({}), "service", "running (no health check)", true],
    [
      "exited service",
      state({ Status: "exited", Running: false, ExitCode: 137 }),
      "service",
      "exited with code 137",
      false,
    ],
    [
      "restarting service",
      state({ Status: "restarting", Restarting: true }),
      "service",
      "restarting",
      false,
    ],
    ["paused service", state({ Status: "paused", Paused: true }), "service", "paused", false],
    [
      "created service",
      state({ Status: "created", Running: false }),
      "service",
      "created, never started",
      false,
    ],
    [
      "completed job",
      state({ Status: "exited", Running: false, ExitCode: 0 }),
      "job",
      "completed",
      true,
    ],
    [
      "failed job",
      state({ Status: "exited", Running: false, ExitCode: 3 }),
      "job",
      "failed (exit code 3)",
      false,
    ],
    ["running job", state({}), "job", "running", true],
    ["missing job", undefined, "job", "missing", false],
  ];
  for (const [name, input, role, label, ok] of cases) {
    it(name, () => {
      const live = liveStateOf(input, role);
      assert.equal(live.label, label);
      assert.equal(live.ok, ok);
    });
  }

  it("returns the last health check output", () => {
    assert.equal(
      lastHealthOutput(state({ Health: health("unhealthy", " connection refused\n") })),
      "connection refused",
    );
    assert.equal(lastHealthOutput(state({})), undefined);
  });
});

function frame(stream: number, text: string): Buffer {
  return frameBytes(stream, Buffer.from(text));
}

function frameBytes(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("demultiplex", () => {
  it("splits frames and keeps an incomplete one", () => {
    const whole = Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(1, "partial")]);
    const { frames, rest } = demultiplex(whole.subarray(0, whole.length - 3));

    assert.deepEqual(
      frames.map((f) => [f.stream, f.payload.toString()]),
      [
        ["stdout", "out\n"],
        ["stderr", "err\n"],
      ],
    );
    assert.equal(rest.length, 8 + "partial".length - 3);
  });
});

describe("LineSplitter", () => {
  it("decodes a character split between two chunks", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from("€uro\n", "utf8");
    splitter.push(bytes.subarray(0, 1));
    splitter.push(bytes.subarray(1, 2));
    splitter.push(bytes.subarray(2));
    assert.deepEqual(lines, ["€uro"]);
  });

  it("joins chunks into lines and strips carriage returns", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from("first li"));
    splitter.push(Buffer.from("ne\r\nsecond\nthi"));
    splitter.flush();
    assert.deepEqual(lines, ["first line", "second", "thi"]);
  });
});

describe("logBufferToLines", () => {
  it("demultiplexes a non-TTY log, keeping each stream's lines whole", () => {
    const buffer = Buffer.concat([frame(1, "a\nlong "), frame(2, "c\n"), frame(1, "line\n")]);
    assert.deepEqual(logBufferToLines(buffer, false), ["a", "c", "long line"]);
  });

  it("keeps a character whole across frames of one stream", () => {
    const text = Buffer.from("naïve ✓\n", "utf8");
    const cut = text.indexOf(0xaf);
    const buffer = Buffer.concat([
      frameBytes(1, text.subarray(0, cut)),
      frameBytes(2, Buffer.from("é\n", "utf8")),
      frameBytes(1, text.subarray(cut)),
    ]);
    assert.deepEqual(logBufferToLines(buffer, false), ["é", "naïve ✓"]);
  });

  it("reads a TTY log as text", () => {
    assert.deepEqual(logBufferToLines(Buffer.from("x\ny\n"), true), ["x", "y"]);
  });
});
