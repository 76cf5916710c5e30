import assert from "node:assert/strict";
import { formatPath, validateBatch, validateSingle } from "../src/validation";
import { INVALID_RESULTS, VALID_RESULT, VALID_RESULT_2 } from "./fixtures/lab-results";

describe("formatPath", () => {
  const cases: [path: PropertyKey[], expected: string][] = [
    [[], "(body)"],
    [["value"], "value"],
    [[3, "unit"], "[3].unit"],
    [["a", "b", 0], "a.b[0]"],
  ];
  for (const [path, expected] of cases) {
    it(`formats ${JSON.stringify(path)} as ${expected}`, () => {
      assert.equal(formatPath(path), expected);
    });
  }
});

describe("validateSingle", () => {
  it("accepts a valid result", () => {
    assert.deepEqual(validateSingle(VALID_RESULT), { ok: true, results: [VALID_RESULT] });
  });

  for (const { name, payload, field } of INVALID_RESULTS) {
    it(`names ${field} for ${name}`, () => {
      const result = validateSingle(payload);
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      assert.equal(result.issues[0].field, field);
      assert.ok(result.message.startsWith(`invalid lab result: ${field}: `), result.message);
    });
  }
});

describe("validateBatch", () => {
  it("accepts a valid batch in order", () => {
    const result = validateBatch([VALID_RESULT, VALID_RESULT_2], 10);
    assert.deepEqual(result, { ok: true, results: [VALID_RESULT, VALID_RESULT_2] });
  });

  it("names the index and field of each invalid item", () => {
    const batch = [VALID_RESULT, { ...VALID_RESULT_2, unit: 5 }, { ...VALID_RESULT, value: null }];
    const result = validateBatch(batch, 10);
    assert.ok(!result.ok);
    assert.deepEqual(
      result.issues.map((issue) => issue.field),
      ["[1].unit", "[2].value"],
    );
    assert.match(result.message, /^invalid lab result: \[1\]\.unit: .* \(and 1 more\)$/);
  });

  const bodies: [name: string, body: unknown, message: string][] = [
    ["an object", VALID_RESULT, "expected a JSON array of lab results"],
    ["an empty array", [], "expected 1 to 2 lab results, got 0"],
    [
      "too many results",
      [VALID_RESULT, VALID_RESULT, VALID_RESULT],
      "expected 1 to 2 lab results, got 3",
    ],
  ];
  for (const [name, body, message] of bodies) {
    it(`rejects ${name}`, () => {
      const result = validateBatch(body, 2);
      assert.ok(!result.ok);
      assert.deepEqual(result.issues, [{ field: "(body)", message }]);
    });
  }

  it("lists at most 20 issues", () => {
    const result = validateBatch(
      Array.from({ length: 50 }, () => ({})),
      100,
    );
    assert.ok(!result.ok);
    assert.equal(result.issues.length, 20);
  });
});
