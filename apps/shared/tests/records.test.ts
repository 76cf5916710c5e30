import assert from "node:assert/strict";
import {
  AdverseEventSchema,
  LabResultSchema,
  MAX_LAB_VALUE,
  MedicationAdministrationSchema,
  ProcessedLabResultSchema,
  SCHEMA_VERSION,
  VitalSignsSchema,
} from "../src/records";

const base = {
  recordId: "5b0e1c1e-8a43-4e0b-9a53-1f2a3b4c5d6e",
  schemaVersion: SCHEMA_VERSION,
  patientId: "PT-0123456789ab",
  trialId: "TRIAL-01",
  siteId: "SITE-01-02",
  eventTime: "2024-05-01T13:45:00.000Z",
};

const vitals = {
  ...base,
  armId: "TRIAL-01-A",
  recordType: "vital-signs",
  heartRateBpm: 72,
  systolicBpMmHg: 120,
  diastolicBpMmHg: 80,
  temperatureCelsius: 36.8,
  spo2Percent: 98,
  respiratoryRatePerMin: 14,
};

const adverseEvent = {
  ...base,
  armId: "TRIAL-01-A",
  recordType: "adverse-event",
  term: "Nausea",
  ctcaeGrade: 2,
  serious: false,
  outcome: "recovered",
  causality: "possible",
};

const labResult = {
  ...base,
  recordType: "lab-result",
  accessionNumber: "ACC-3f9a2c71",
  panel: "CMP",
  analyte: "GLU",
  value: 95,
  unit: "mg/dL",
};

/** Returns the path of the first issue, or undefined when the record is valid. */
function firstIssuePath(schema: { safeParse(value: unknown): unknown }, value: unknown) {
  const result = schema.safeParse(value) as {
    success: boolean;
    error?: { issues: { path: PropertyKey[] }[] };
  };
  return result.success ? undefined : result.error?.issues[0].path.join(".");
}

describe("record schemas", () => {
  it("accept lab values from 0 to the maximum", () => {
    for (const value of [0, 0.001, MAX_LAB_VALUE]) {
      assert.equal(firstIssuePath(LabResultSchema, { ...labResult, value }), undefined);
    }
  });

  it("accept valid records", () => {
    assert.equal(firstIssuePath(VitalSignsSchema, vitals), undefined);
    assert.equal(firstIssuePath(AdverseEventSchema, adverseEvent), undefined);
    assert.equal(firstIssuePath(LabResultSchema, labResult), undefined);
    const medication = {
      ...base,
      armId: "TRIAL-01-B",
      recordType: "medication-administration",
      medicationName: "Paracetamol",
      atcCode: "N02BE01",
      isStudyDrug: false,
      dose: 500,
      doseUnit: "mg",
      route: "oral",
    };
    assert.equal(firstIssuePath(MedicationAdministrationSchema, medication), undefined);
    const processed = {
      ...labResult,
      recordType: "processed-lab-result",
      canonicalValue: 5.27,
      canonicalUnit: "mmol/L",
      referenceLow: 3.9,
      referenceHigh: 5.6,
      flag: "normal",
      processedAt: "2024-05-01T14:00:00.000Z",
    };
    assert.equal(firstIssuePath(ProcessedLabResultSchema, processed), undefined);
  });

  // [name, schema, record, failing field]
  const invalid: [string, { safeParse(value: unknown): unknown }, unknown, string][] = [
    [
      "patient id with a name",
      VitalSignsSchema,
      { ...vitals, patientId: "John Smith" },
      "patientId",
    ],
    ["record id not a uuid", VitalSignsSchema, { ...vitals, recordId: "1" }, "recordId"],
    [
      "event time with an offset",
      VitalSignsSchema,
      { ...vitals, eventTime: "2024-05-01T13:45:00+02:00" },
      "eventTime",
    ],
    ["other schema version", VitalSignsSchema, { ...vitals, schemaVersion: 2 }, "schemaVersion"],
    [
      "diastolic above systolic",
      VitalSignsSchema,
      { ...vitals, diastolicBpMmHg: 130 },
      "diastolicBpMmHg",
    ],
    ["heart rate out of range", VitalSignsSchema, { ...vitals, heartRateBpm: 400 }, "heartRateBpm"],
    ["grade 6", AdverseEventSchema, { ...adverseEvent, ctcaeGrade: 6 }, "ctcaeGrade"],
    [
      "grade 5 not fatal",
      AdverseEventSchema,
      { ...adverseEvent, ctcaeGrade: 5, serious: true },
      "outcome",
    ],
    ["grade 4 not serious", AdverseEventSchema, { ...adverseEvent, ctcaeGrade: 4 }, "serious"],
    ["lab value as a string", LabResultSchema, { ...labResult, value: "95" }, "value"],
    ["negative lab value", LabResultSchema, { ...labResult, value: -5 }, "value"],
    ["lab value of 1e308", LabResultSchema, { ...labResult, value: 1e308 }, "value"],
    ["lab value above the maximum", LabResultSchema, { ...labResult, value: 1e9 + 1 }, "value"],
    ["infinite lab value", LabResultSchema, { ...labResult, value: Infinity }, "value"],
    ["NaN lab value", LabResultSchema, { ...labResult, value: NaN }, "value"],
    ["lab result without unit", LabResultSchema, { ...labResult, unit: undefined }, "unit"],
    ["lowercase analyte", LabResultSchema, { ...labResult, analyte: "glu" }, "analyte"],
  ];
  for (const [name, schema, record, field] of invalid) {
    it(`reject ${name} at ${field}`, () => {
      assert.equal(firstIssuePath(schema, record), field);
    });
  }
});
