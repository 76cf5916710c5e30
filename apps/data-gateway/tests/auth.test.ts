import assert from "node:assert/strict";
import { checkBearerToken, type AuthResult } from "../src/auth";

const TOKEN = "s3cret-token-0123456789";

describe("checkBearerToken", () => {
  const cases: [header: string | undefined, expected: AuthResult][] = [
    [`Bearer ${TOKEN}`, "ok"],
    [`bearer ${TOKEN}`, "ok"],
    [`Bearer   ${TOKEN}  `, "ok"],
    [undefined, "missing"],
    ["", "missing"],
    [`Basic ${TOKEN}`, "missing"],
    ["Bearer", "missing"],
    [`Bearer ${TOKEN}x`, "invalid"],
    [`Bearer ${TOKEN.slice(0, -1)}`, "invalid"],
    ["Bearer other", "invalid"],
  ];
  for (const [header, expected] of cases) {
    it(`returns ${expected} for ${JSON.stringify(header)}`, () => {
      assert.equal(checkBearerToken(header, TOKEN), expected);
    });
  }
});
