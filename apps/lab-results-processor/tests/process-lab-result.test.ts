import assert from "node:assert/strict";

import { SCHEMA_VERSION, ProcessedLabResultSchema, type LabResult } from "../../shared/src/records";
import { createGenerator } from "../../kafka-producer/src/generator";
import { convertAndFlag, processLabResult } from "../src/process-lab-result";

const PROCESSED_AT = new Date("2024-07-01T08:00:00.000Z");

function labResult(overrides: Partial<LabResult>): LabResult {
  return {
    recordId: "0b6f2c84-3a4e-4c1d-9a57-1f2e3d4c5b6a",
    schemaVersion: SCHEMA_VERSION,
    patientId: "PT-00aa11bb22cc",
    trialId: "TRIAL-01",
    siteId: "SITE-01-02",
    eventTime: "2024-07-01T06:30:00.000Z",
    recordType: "lab-result",
    accessionNumber: "ACC-3f9a2c71",
    panel: "CMP",
    analyte: "GLU",
    value: 5,
    unit: "mmol/L",
    ...overrides,
  };
}

function process(overrides: Partial<LabResult>) {
  return processLabResult(JSON.stringify(labResult(overrides)), PROCESSED_AT);
}

describe("processLabResult conversion and flags", () => {
  const cases: [Partial<LabResult>, number, string, string][] = [
    // [input, canonical value, canonical unit, flag]
    [{ value: 100, unit: "mg/dL" }, 5.55, "mmol/L", "normal"],
    [{ value: 5, unit: "mmol/L" }, 5, "mmol/L", "normal"],
    [{ value: 3.9, unit: "mmol/L" }, 3.9, "mmol/L", "normal"],
    [{ value: 5.6, unit: "mmol/L" }, 5.6, "mmol/L", "normal"],
    [{ value: 5.61, unit: "mmol/L" }, 5.61, "mmol/L", "high"],
    [{ value: 3.0, unit: "mmol/L" }, 3, "mmol/L", "low"],
    [{ value: 2.5, unit: "mmol/L" }, 2.5, "mmol/L", "low"],
    [{ value: 2.49, unit: "mmol/L" }, 2.49, "mmol/L", "critical-low"],
    [{ value: 40, unit: "mg/dL" }, 2.22, "mmol/L", "critical-low"],
    [{ value: 30, unit: "mmol/L" }, 30, "mmol/L", "critical-high"],
    [{ panel: "CBC", analyte: "HGB", value: 13.5, unit: "g/dL" }, 135, "g/L", "normal"],
    [{ panel: "CBC", analyte: "HGB", value: 6.5, unit: "g/dL" }, 65, "g/L", "critical-low"],
    [{ panel: "CBC", analyte: "WBC", value: 5000, unit: "/uL" }, 5, "10^9/L", "normal"],
    [{ analyte: "CREAT", value: 1, unit: "mg/dL" }, 88.4, "umol/L", "normal"],
    [{ analyte: "CREAT", value: 90, unit: "µmol/L" }, 90, "umol/L", "normal"],
    [{ analyte: "CREAT", value: 8, unit: "mg/dL" }, 707.2, "umol/L", "critical-high"],
    [{ analyte: "ALT", value: 2, unit: "ukat/L" }, 120, "U/L", "high"],
    [{ panel: "LIPID", analyte: "CHOL", value: 200, unit: "mg/dL" }, 5.172, "mmol/L", "normal"],
  ];

  for (const [input, canonicalValue, canonicalUnit, flag] of cases) {
    const name = `${input.analyte ?? "GLU"} ${input.value} ${input.unit} is ${flag}`;
    it(name, () => {
      const outcome = process(input);
      assert.ok(outcome.ok, outcome.ok ? "" : outcome.reason);
      assert.equal(outcome.result.canonicalValue, canonicalValue);
      assert.equal(outcome.result.canonicalUnit, canonicalUnit);
      assert.equal(outcome.result.flag, flag);
      assert.equal(outcome.result.value, input.value, "the submitted value is kept");
      assert.equal(outcome.result.unit, input.unit, "the submitted unit is kept");
    });
  }

  it("produces a valid ProcessedLabResult", () => {
    const outcome = process({ value: 100, unit: "mg/dL" });
    assert.ok(outcome.ok);
    assert.deepEqual(ProcessedLabResultSchema.parse(outcome.result), outcome.result);
    assert.equal(outcome.result.recordType, "processed-lab-result");
    assert.equal(outcome.result.processedAt, "2024-07-01T08:00:00.000Z");
    assert.equal(outcome.result.referenceLow, 3.9);
    assert.equal(outcome.result.referenceHigh, 5.6);
  });

  it("processes every generated lab result", () => {
    const generator = createGenerator({ seed: "processor-test", patientCount: 50 });
    let labResults = 0;
    while (labResults < 2000) {
      const generated = generator.next();
      if (generated.destination !== "gateway") {
        continue;
      }
      labResults++;
      const outcome = processLabResult(JSON.stringify(generated.record), PROCESSED_AT);
      const message = outcome.ok ? "" : `${outcome.reason}: ${JSON.stringify(generated.record)}`;
      assert.ok(outcome.ok, message);
    }
  });
});

describe("processLabResult rejections", () => {
  const cases: [string, string | Buffer, string, RegExp][] = [
    ["invalid JSON", "{not json", "invalid-json", /^invalid JSON: /],
    [
      "a missing field",
      JSON.stringify({ ...labResult({}), analyte: undefined }),
      "invalid-schema",
      /^invalid lab result: analyte: /,
    ],
    [
      "a wrong schema version",
      JSON.stringify({ ...labResult({}), schemaVersion: 2 }),
      "invalid-schema",
      /schemaVersion: /,
    ],
    [
      "a string value",
      JSON.stringify({ ...labResult({}), value: "5.0" }),
      "invalid-schema",
      /value: /,
    ],
    ["a JSON array", "[]", "invalid-schema", /^invalid lab result: \(root\): /],
    [
      "an unknown analyte",
      JSON.stringify(labResult({ analyte: "XYZ" })),
      "unknown-analyte",
      /^analyte XYZ is not in the lab catalog$/,
    ],
    [
      "an analyte of another panel",
      JSON.stringify(labResult({ panel: "CBC", analyte: "GLU" })),
      "wrong-panel",
      /^analyte GLU belongs to panel CMP, not CBC$/,
    ],
    [
      "an unknown unit",
      JSON.stringify(labResult({ unit: "mg/L" })),
      "unknown-unit",
      /^unit mg\/L is not accepted for GLU; accepted: mmol\/L, mg\/dL$/,
    ],
    [
      "a unit in the wrong case",
      JSON.stringify(labResult({ value: 100, unit: "MG/DL" })),
      "unknown-unit",
      /^unit MG\/DL is not accepted for GLU; /,
    ],
    [
      "a negative value",
      JSON.stringify(labResult({ value: -5, unit: "mg/dL" })),
      "invalid-schema",
      /^invalid lab result: value: expected a non-negative number$/,
    ],
    [
      "a value that converts to Infinity",
      JSON.stringify(labResult({ analyte: "CREAT", value: 1e307, unit: "mg/dL" })),
      "invalid-schema",
      /^invalid lab result: value: expected a number at most 1000000000$/,
    ],
  ];

  for (const [name, body, kind, reason] of cases) {
    it(`rejects ${name}`, () => {
      const outcome = processLabResult(body, PROCESSED_AT);
      assert.equal(outcome.ok, false);
      assert.ok(!outcome.ok);
      assert.equal(outcome.kind, kind);
      assert.match(outcome.reason, reason);
    });
  }
});

describe("convertAndFlag", () => {
  it("rejects a value that converts to Infinity", () => {
    // Bypasses the schema's bound, as a caller of convertAndFlag may.
    const outcome = convertAndFlag(
      labResult({ analyte: "CREAT", value: 1e307, unit: "mg/dL" }),
      PROCESSED_AT,
    );
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, "invalid-schema");
    assert.equal(
      outcome.reason,
      "value 1e+307 mg/dL of CREAT converts to Infinity umol/L, which is not a finite number",
    );
  });
});
