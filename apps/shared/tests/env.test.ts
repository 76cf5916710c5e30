import assert from "node:assert/strict";
import { z } from "zod";
import { commaListVar, EnvConfigError, intVar, parseEnv, portVar } from "../src/env";

const schema = z.object({
  PORT: portVar(8080),
  BROKERS: commaListVar("kafka:29092"),
  BATCH: intVar({ min: 1, max: 10, default: 5 }),
  TOKEN: z.string().min(16).meta({ example: "<token>", secret: true }),
});

const VALID = { BROKERS: "a:1,b:2", TOKEN: "0123456789abcdef" };

function parseError(env: Record<string, string>): EnvConfigError {
  try {
    parseEnv(schema, env);
  } catch (error) {
    assert.ok(error instanceof EnvConfigError);
    return error;
  }
  assert.fail("parseEnv accepted an invalid environment");
}

describe("parseEnv", () => {
  it("applies defaults and parses values", () => {
    const env = parseEnv(schema, VALID);
    assert.deepEqual(env, {
      PORT: 8080,
      BROKERS: ["a:1", "b:2"],
      BATCH: 5,
      TOKEN: "0123456789abcdef",
    });
  });

  it("treats empty strings as unset", () => {
    const env = parseEnv(schema, { ...VALID, PORT: "", BATCH: "  " });
    assert.equal(env.PORT, 8080);
    assert.equal(env.BATCH, 5);
  });

  it("trims list entries and drops empty ones", () => {
    const env = parseEnv(schema, { ...VALID, BROKERS: " a:1 , ,b:2," });
    assert.deepEqual(env.BROKERS, ["a:1", "b:2"]);
  });

  const invalidCases: { name: string; env: Record<string, string>; message: RegExp }[] = [
    {
      name: "missing variable",
      env: { TOKEN: VALID.TOKEN },
      message: /^BROKERS is missing\. Example: BROKERS=kafka:29092$/,
    },
    {
      name: "port not a number",
      env: { ...VALID, PORT: "http" },
      message: /^PORT is invalid \(got "http"\): .*number.*Example: PORT=8080$/,
    },
    {
      name: "port out of range",
      env: { ...VALID, PORT: "70000" },
      message: /^PORT is invalid \(got "70000"\): .*65535/,
    },
    {
      name: "integer below minimum",
      env: { ...VALID, BATCH: "0" },
      message: /^BATCH is invalid \(got "0"\): .*1/,
    },
    {
      name: "list of only commas",
      env: { ...VALID, BROKERS: ",," },
      message: /^BROKERS is invalid \(got ",,"\): expected at least one/,
    },
  ];
  for (const testCase of invalidCases) {
    it(`rejects ${testCase.name}`, () => {
      const error = parseError(testCase.env);
      assert.equal(error.problems.length, 1);
      assert.match(error.problems[0].message, testCase.message);
    });
  }

  it("lists every problem in one error", () => {
    const error = parseError({ PORT: "x" });
    assert.deepEqual(
      error.problems.map((problem) => problem.variable),
      ["PORT", "BROKERS", "TOKEN"],
    );
    assert.match(error.message, /^Invalid environment configuration \(3 problem\(s\)\):\n/);
    assert.match(error.message, /Set these variables and restart\.$/);
  });

  it("never shows the value of a secret", () => {
    const error = parseError({ ...VALID, TOKEN: "short-secret" });
    assert.equal(error.problems[0].variable, "TOKEN");
    assert.match(error.problems[0].message, /value hidden because it is secret/);
    assert.ok(!error.message.includes("short-secret"));
  });
});
