import assert from "node:assert/strict";
import { z } from "zod";
import {
  bearerTokenVar,
  commaListVar,
  decimalVar,
  EnvConfigError,
  httpUrlVar,
  intVar,
  parseEnv,
  portVar,
  redactUserinfo,
} from "../src/env";
import { s3EnvShape } from "../src/s3";

const schema = z.object({
  PORT: portVar(8080),
  BROKERS: commaListVar("kafka:29092"),
  BATCH: intVar({ min: 1, max: 10, default: 5 }),
  RATE: decimalVar({ min: 0, max: 1, default: 0.5 }),
  TOKEN: bearerTokenVar("<token>"),
  URL: httpUrlVar("http://gateway:8080").optional(),
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
      RATE: 0.5,
      TOKEN: "0123456789abcdef",
    });
  });

  // [variable, value, parsed]
  const validValues: [string, string, unknown][] = [
    ["PORT", "8081", 8081],
    ["PORT", " 8081 ", 8081],
    ["BATCH", "10", 10],
    ["RATE", "0", 0],
    ["RATE", "0.05", 0.05],
    ["RATE", "1", 1],
    ["URL", "https://gateway.example:8443/base", "https://gateway.example:8443/base"],
  ];
  for (const [variable, value, parsed] of validValues) {
    it(`parses ${variable}=${value}`, () => {
      const env = parseEnv(schema, { ...VALID, [variable]: value });
      assert.equal(env[variable as keyof typeof env], parsed);
    });
  }

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
      name: "hexadecimal integer",
      env: { ...VALID, BATCH: "0x5" },
      message: /^BATCH is invalid \(got "0x5"\): expected a whole number in decimal digits/,
    },
    {
      name: "integer in exponent notation",
      env: { ...VALID, BATCH: "5e0" },
      message: /^BATCH is invalid \(got "5e0"\): expected a whole number in decimal digits/,
    },
    {
      name: "hexadecimal port",
      env: { ...VALID, PORT: "0x1000" },
      message: /^PORT is invalid \(got "0x1000"\): expected a port number in decimal digits/,
    },
    {
      name: "decimal in exponent notation",
      env: { ...VALID, RATE: "1e-9" },
      message: /^RATE is invalid \(got "1e-9"\): expected a decimal number such as 0\.5/,
    },
    {
      name: "infinite decimal",
      env: { ...VALID, RATE: "Infinity" },
      message: /^RATE is invalid \(got "Infinity"\): expected a decimal number/,
    },
    {
      name: "decimal above maximum",
      env: { ...VALID, RATE: "1.5" },
      message: /^RATE is invalid \(got "1\.5"\): .*1/,
    },
    {
      name: "file URL",
      env: { ...VALID, URL: "file:///etc/passwd" },
      message: /^URL is invalid \(got "file:\/\/\/etc\/passwd"\): expected an http:\/\/ or https:/,
    },
    {
      name: "URL with credentials",
      env: { ...VALID, URL: "http://user:secret@gateway:8080" },
      message: /^URL is invalid \(got "http:\/\/\*\*\*@gateway:8080"\): expected a URL without/,
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

  it("rejects a token with whitespace", () => {
    const error = parseError({ ...VALID, TOKEN: "0123456789 abcdef" });
    assert.equal(error.problems[0].variable, "TOKEN");
    assert.match(error.problems[0].message, /: expected no whitespace, because a bearer token/);
  });

  it("never shows the credentials of a URL", () => {
    const error = parseError({ ...VALID, URL: "ftp://key:hunter2@minio:abc" });
    assert.equal(error.problems[0].variable, "URL");
    assert.ok(!error.message.includes("hunter2"), error.message);
    assert.ok(!error.message.includes("key:"), error.message);
  });

  it("hides the credentials in S3_ENDPOINT", () => {
    const env = {
      S3_ENDPOINT: "http://minio-key:minio-secret@minio:9000",
      S3_ACCESS_KEY_ID: "minio-key",
      S3_SECRET_ACCESS_KEY: "minio-secret",
    };
    assert.throws(
      () => parseEnv(z.object(s3EnvShape), env),
      (error: unknown) => {
        assert.ok(error instanceof EnvConfigError);
        assert.equal(
          error.problems[0].message,
          'S3_ENDPOINT is invalid (got "http://***@minio:9000"): expected a URL without user ' +
            "name and password. Example: S3_ENDPOINT=http://minio:9000",
        );
        assert.ok(!error.message.includes("minio-secret"));
        return true;
      },
    );
  });

  it("never shows the value of a secret", () => {
    const error = parseError({ ...VALID, TOKEN: "short-secret" });
    assert.equal(error.problems[0].variable, "TOKEN");
    assert.match(error.problems[0].message, /value hidden because it is secret/);
    assert.ok(!error.message.includes("short-secret"));
  });
});

describe("redactUserinfo", () => {
  // [input, redacted]
  const cases: [string, string][] = [
    ["http://minio:9000", "http://minio:9000"],
    ["http://key:secret@minio:9000", "http://***@minio:9000"],
    ["http://key@minio:9000/path?q=a@b", "http://***@minio:9000/path?q=a@b"],
    ["ftp://key:secret@minio:abc", "ftp://***@minio:abc"],
    ["not a url", "not a url"],
  ];
  for (const [input, redacted] of cases) {
    it(`redacts ${input}`, () => {
      assert.equal(redactUserinfo(input), redacted);
    });
  }
});
