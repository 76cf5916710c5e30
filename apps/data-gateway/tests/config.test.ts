import assert from "node:assert/strict";
import { EnvConfigError, parseEnv } from "../../shared/src/env";
import { LabResultSchema, MAX_LAB_VALUE } from "../../shared/src/records";
import { gatewayEnvSchema } from "../src/config";
import { validateBatch } from "../src/validation";
import { VALID_RESULT } from "./fixtures/lab-results";

const VALID = {
  AMQP_URL: "amqp://clinical:secret@clinical-mq:5672",
  GATEWAY_TOKEN: "gateway-test-token-0123456789",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseEnv(gatewayEnvSchema, env);
  } catch (error) {
    assert.ok(error instanceof EnvConfigError);
    return error.problems.map((problem) => problem.message);
  }
  assert.fail("parseEnv accepted an invalid environment");
}

describe("gateway environment", () => {
  it("applies the defaults", () => {
    const env = parseEnv(gatewayEnvSchema, VALID);
    assert.equal(env.PORT, 8080);
    assert.equal(env.MAX_BATCH_SIZE, 500);
    assert.equal(env.BODY_LIMIT_BYTES, 1024 * 1024);
    assert.equal(env.CONFIRM_TIMEOUT_MS, 10_000);
  });

  // [name, variables, expected message]
  const invalid: [string, Record<string, string>, RegExp][] = [
    [
      "AMQP_URL with a port that is not a number",
      { AMQP_URL: "amqp://clinical:secret@clinical-mq:56x2" },
      /^AMQP_URL is invalid \(value hidden because it is secret\): expected an amqp:\/\/ or/,
    ],
    [
      "AMQP_URL with port 0",
      { AMQP_URL: "amqp://clinical:secret@clinical-mq:0" },
      /^AMQP_URL is invalid .*: expected a port from 1 to 65535, got 0\./,
    ],
    [
      "AMQP_URL with another scheme",
      { AMQP_URL: "http://clinical:secret@clinical-mq:5672" },
      /^AMQP_URL is invalid .*: expected the scheme amqp:\/\/ or amqps:\/\/, got http:\/\/\./,
    ],
    [
      "AMQP_URL without a host",
      { AMQP_URL: "amqp:///vhost" },
      /^AMQP_URL is invalid .*: expected a host name after amqp:\/\/\./,
    ],
    [
      "GATEWAY_TOKEN with a space",
      { GATEWAY_TOKEN: "gateway test token 0123456789" },
      /^GATEWAY_TOKEN is invalid \(value hidden because it is secret\): expected no whitespace/,
    ],
    [
      "MAX_BATCH_SIZE above 1000",
      { MAX_BATCH_SIZE: "1001" },
      /^MAX_BATCH_SIZE is invalid \(got "1001"\): .*1000/,
    ],
    [
      "CONFIRM_TIMEOUT_MS below 100",
      { CONFIRM_TIMEOUT_MS: "99" },
      /^CONFIRM_TIMEOUT_MS is invalid \(got "99"\): .*100/,
    ],
  ];
  for (const [name, variables, message] of invalid) {
    it(`rejects ${name}`, () => {
      const problems = problemsOf({ ...VALID, ...variables });
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], message);
      assert.ok(!problems[0].includes("secret@"), "the message shows the password");
    });
  }

  it("fits a full batch of long results in the default body limit", () => {
    // 1000 is the largest MAX_BATCH_SIZE, as the test above shows.
    const env = parseEnv(gatewayEnvSchema, { ...VALID, MAX_BATCH_SIZE: "1000" });
    const maxBatchSize = env.MAX_BATCH_SIZE;
    // Every field is at its longest except eventTime, because the schema does not bound its
    // fraction of a second. Nanoseconds are the finest fraction that clocks produce.
    const longest = {
      ...VALID_RESULT,
      trialId: `T${"-".repeat(39)}`,
      siteId: `S${"9".repeat(39)}`,
      eventTime: "2024-05-01T09:30:00.123456789Z",
      panel: "LIPIDPANEL",
      analyte: "A123456789",
      value: MAX_LAB_VALUE - 1 / 3,
      unit: "\u0001".repeat(20),
    };
    assert.ok(LabResultSchema.safeParse(longest).success, "the long result is not valid");
    const body = JSON.stringify(Array.from({ length: maxBatchSize }, () => longest));
    assert.ok(validateBatch(JSON.parse(body), maxBatchSize).ok);
    assert.ok(
      Buffer.byteLength(body) < env.BODY_LIMIT_BYTES,
      `a full batch is ${Buffer.byteLength(body)} bytes`,
    );
  });
});
