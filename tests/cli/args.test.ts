import * as assert from "node:assert/strict";

import { parseCliArgs, parseSince, type CliOptions } from "../../cli/args";
import { CliError, ExitCode } from "../../cli/errors";
import { helpText } from "../../cli/help";

const NOW_MS = Date.UTC(2026, 0, 31, 12, 0, 0);
const NOW_S = NOW_MS / 1000;

function parse(argv: string[]): CliOptions {
  return parseCliArgs(argv, NOW_MS);
}

function usageErrorOf(argv: string[]): string {
  try {
    parse(argv);
  } catch (error) {
    assert.ok(error instanceof CliError, `expected CliError, got ${String(error)}`);
    assert.equal(error.exitCode, ExitCode.usage);
    return error.message;
  }
  assert.fail(`parsing ${argv.join(" ")} did not fail`);
}

describe("parseCliArgs", () => {
  const valid: [string[], CliOptions][] = [
    [
      ["--start-level", "5"],
      {
        command: { kind: "start-level", level: 5 },
        stack: "dev",
        backend: undefined,
        yes: false,
        preview: false,
      },
    ],
    [
      ["--start-full", "--stack", "staging", "--preview"],
      {
        command: { kind: "start-full" },
        stack: "staging",
        backend: undefined,
        yes: false,
        preview: true,
      },
    ],
    [
      ["--stop-level-full", "3", "--yes"],
      {
        command: { kind: "stop-level-full", level: 3 },
        stack: "dev",
        backend: undefined,
        yes: true,
        preview: false,
      },
    ],
    [
      ["--clean-all", "-y", "--backend", "file:///tmp/state"],
      {
        command: { kind: "clean-all" },
        stack: "dev",
        backend: "file:///tmp/state",
        yes: true,
        preview: false,
      },
    ],
    [
      ["--stop-level=0"],
      {
        command: { kind: "stop-level", level: 0 },
        stack: "dev",
        backend: undefined,
        yes: false,
        preview: false,
      },
    ],
    [
      ["--stop-full"],
      {
        command: { kind: "stop-full" },
        stack: "dev",
        backend: undefined,
        yes: false,
        preview: false,
      },
    ],
    [
      ["--status"],
      { command: { kind: "status" }, stack: "dev", backend: undefined, yes: false, preview: false },
    ],
    [
      ["--logs", "2"],
      {
        command: { kind: "logs", level: 2, tail: 100, since: undefined },
        stack: "dev",
        backend: undefined,
        yes: false,
        preview: false,
      },
    ],
    [
      ["--logs", "1", "--tail", "all", "--since", "10m"],
      {
        command: { kind: "logs", level: 1, tail: "all", since: NOW_S - 600 },
        stack: "dev",
        backend: undefined,
        yes: false,
        preview: false,
      },
    ],
    [
      ["--restart-level", "3", "--timeout", "60"],
      {
        command: { kind: "restart-level", level: 3, timeoutSeconds: 60 },
        stack: "dev",
        backend: undefined,
        yes: false,
        preview: false,
      },
    ],
    [
      ["--restart-level", "0"],
      {
        command: { kind: "restart-level", level: 0, timeoutSeconds: 180 },
        stack: "dev",
        backend: undefined,
        yes: false,
        preview: false,
      },
    ],
  ];
  for (const [argv, expected] of valid) {
    it(`parses ${argv.join(" ")}`, () => {
      assert.deepEqual(parse(argv), expected);
    });
  }

  it("drops one leading -- as npx passes it", () => {
    assert.deepEqual(parse(["--", "--status"]), parse(["--status"]));
    assert.deepEqual(
      parse(["--", "--logs", "1", "--tail", "5"]),
      parse(["--logs", "1", "--tail", "5"]),
    );
  });

  it("lets --help win over other commands", () => {
    assert.deepEqual(parse(["--status", "--help"]).command, { kind: "help" });
    assert.deepEqual(parse(["-h"]).command, { kind: "help" });
  });

  it("parses --version", () => {
    assert.deepEqual(parse(["--version"]).command, { kind: "version" });
  });

  const invalid: [string[], string][] = [
    [[], "No command given. Run `pipeline --help` for usage."],
    [
      ["--start-level", "1", "--stop-full"],
      "Choose one command, not --start-level and --stop-full. Run `pipeline --help` for usage.",
    ],
    [
      ["--start-level", "6"],
      'Invalid level "6" for --start-level: levels are numbered 0 to 5. Run `pipeline --help` for usage.',
    ],
    [
      ["--stop-level=-1"],
      'Invalid level "-1" for --stop-level: levels are numbered 0 to 5. Run `pipeline --help` for usage.',
    ],
    [
      ["--start-level", "-1"],
      'Invalid level "-1" for --start-level: levels are numbered 0 to 5. Run `pipeline --help` for usage.',
    ],
    [
      ["--start-level", "01"],
      'Invalid level "01" for --start-level: levels are numbered 0 to 5. Run `pipeline --help` for usage.',
    ],
    [
      ["--logs", "0", "--tail", "-3"],
      'Invalid --tail "-3": use a number of lines or "all". Run `pipeline --help` for usage.',
    ],
    [
      ["--logs", "0", "--since", "abc 2020"],
      'Invalid --since "abc 2020": use a duration such as 10m or 1h30m, UNIX seconds, or an ISO 8601 date such as 2026-01-31T12:00:00Z. Run `pipeline --help` for usage.',
    ],
    [
      ["--logs", "two"],
      'Invalid level "two" for --logs: levels are numbered 0 to 5. Run `pipeline --help` for usage.',
    ],
    [
      ["--restart-level", "1.5"],
      'Invalid level "1.5" for --restart-level: levels are numbered 0 to 5. Run `pipeline --help` for usage.',
    ],
    [
      ["--stop-level-full", "12"],
      'Invalid level "12" for --stop-level-full: levels are numbered 0 to 5. Run `pipeline --help` for usage.',
    ],
    [
      ["--status", "--preview"],
      "--preview only works with a start, stop or --clean-all command, not --status. Run `pipeline --help` for usage.",
    ],
    [
      ["--status", "--tail", "5"],
      "--tail and --since only work with --logs. Run `pipeline --help` for usage.",
    ],
    [
      ["--start-full", "--timeout", "5"],
      "--timeout only works with --restart-level. Run `pipeline --help` for usage.",
    ],
    [
      ["--logs", "0", "--tail", "ten"],
      'Invalid --tail "ten": use a number of lines or "all". Run `pipeline --help` for usage.',
    ],
    [
      ["--restart-level", "0", "--timeout", "0"],
      'Invalid --timeout "0": use a whole number of seconds greater than 0. Run `pipeline --help` for usage.',
    ],
    [
      ["--status", "--stack", "my stack"],
      'Invalid --stack "my stack": use lowercase letters, digits, "_", "." and "-", starting with a letter or digit. Run `pipeline --help` for usage.',
    ],
    [
      ["--status", "--stack", "Dev"],
      'Invalid --stack "Dev": use lowercase letters, digits, "_", "." and "-", starting with a letter or digit. Run `pipeline --help` for usage.',
    ],
  ];
  for (const [argv, message] of invalid) {
    it(`rejects ${argv.join(" ") || "no arguments"}`, () => {
      assert.equal(usageErrorOf(argv), message);
    });
  }

  it("rejects an unknown option with the parser's message", () => {
    assert.match(
      usageErrorOf(["--start-levle", "1"]),
      /^Unknown option '--start-levle'\..* Run `pipeline --help` for usage\.$/,
    );
  });

  it("rejects a positional argument", () => {
    assert.match(usageErrorOf(["--status", "extra"]), /^Unexpected argument 'extra'/);
  });

  it("drops only the first of two leading --", () => {
    assert.match(usageErrorOf(["--", "--", "--status"]), /^Unexpected argument '--status'/);
  });
});

describe("parseSince", () => {
  const cases: [string, number][] = [
    ["90s", NOW_S - 90],
    ["10m", NOW_S - 600],
    ["1h30m", NOW_S - 5400],
    ["2h", NOW_S - 7200],
    ["1700000000", 1700000000],
    ["2026-01-31T11:00:00Z", NOW_S - 3600],
    ["2026-01-31T11:00:00.500Z", NOW_S - 3600],
    ["2026-01-31T12:00:00+01:00", NOW_S - 3600],
    ["2026-01-31", NOW_S - 12 * 3600],
  ];
  for (const [raw, expected] of cases) {
    it(`converts ${raw}`, () => {
      assert.equal(parseSince(raw, NOW_MS), expected);
    });
  }

  for (const raw of ["abc 2020", "Jan 31 2026", "2026-01-31 12:00", "31.01.2026", "2026-13-01"]) {
    it(`rejects the undocumented form ${raw}`, () => {
      assert.throws(() => parseSince(raw, NOW_MS), {
        message: new RegExp(`^Invalid --since "${raw}"`),
      });
    });
  }

  it("rejects text that is no time", () => {
    assert.throws(() => parseSince("yesterday", NOW_MS), {
      message:
        'Invalid --since "yesterday": use a duration such as 10m or 1h30m, UNIX seconds, or an ISO 8601 date such as 2026-01-31T12:00:00Z. Run `pipeline --help` for usage.',
    });
  });
});

describe("helpText", () => {
  it("says --start-full starts only levels with services", () => {
    assert.match(
      helpText(),
      /\n  --start-full           Start every level that has services; others keep their state\.\n/,
    );
  });
});
