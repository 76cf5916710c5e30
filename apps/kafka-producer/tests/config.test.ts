import assert from "node:assert/strict";
import { EnvConfigError, parseEnv } from "../../shared/src/env";
import { producerEnvSchema } from "../src/config";

const VALID = {
  KAFKA_BROKERS: "kafka:29092",
  GATEWAY_URL: "http://data-gateway:8080",
  GATEWAY_TOKEN: "gateway-test-token-0123456789",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseEnv(producerEnvSchema, env);
  } catch (error) {
    assert.ok(error instanceof EnvConfigError);
    return error.problems.map((problem) => problem.message);
  }
  assert.fail("parseEnv accepted an invalid environment");
}

describe("producer environment", () => {
  it("parses decimal rates", () => {
    const env = parseEnv(producerEnvSchema, {
      ...VALID,
      RECORDS_PER_SECOND: "0.5",
      ABNORMAL_RATE: "0.1",
    });
    assert.equal(env.RECORDS_PER_SECOND, 0.5);
    assert.equal(env.ABNORMAL_RATE, 0.1);
    assert.equal(env.ALTERNATIVE_UNIT_RATE, 0.3);
  });

  // [name, variables, expected message]
  const invalid: [string, Record<string, string>, RegExp][] = [
    [
      "a file:// GATEWAY_URL",
      { GATEWAY_URL: "file:///var/run/gateway.sock" },
      /^GATEWAY_URL is invalid \(got "file:\/\/\/var\/run\/gateway\.sock"\): expected an http:/,
    ],
    [
      "a GATEWAY_URL with credentials",
      { GATEWAY_URL: "http://lab:secret@data-gateway:8080" },
      /^GATEWAY_URL is invalid \(got "http:\/\/\*\*\*@data-gateway:8080"\): expected a URL without/,
    ],
    [
      "a GATEWAY_TOKEN with a tab",
      { GATEWAY_TOKEN: "gateway-test-token\t0123456789" },
      /^GATEWAY_TOKEN is invalid \(value hidden because it is secret\): expected no whitespace/,
    ],
    [
      "RECORDS_PER_SECOND of 0",
      { RECORDS_PER_SECOND: "0" },
      /^RECORDS_PER_SECOND is invalid \(got "0"\): /,
    ],
    [
      "RECORDS_PER_SECOND in exponent notation",
      { RECORDS_PER_SECOND: "1e3" },
      /^RECORDS_PER_SECOND is invalid \(got "1e3"\): expected a decimal number/,
    ],
    [
      "a hexadecimal PATIENT_COUNT",
      { PATIENT_COUNT: "0x1000" },
      /^PATIENT_COUNT is invalid \(got "0x1000"\): expected a whole number in decimal digits/,
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
});
