import assert from "node:assert/strict";
import { findAnalyte, toCanonical } from "../../shared/src/lab-catalog";
import {
  AdverseEventSchema,
  LabResultSchema,
  MedicationAdministrationSchema,
  VitalSignsSchema,
  type AdverseEvent,
  type LabResult,
  type VitalSigns,
} from "../../shared/src/records";
import { TOPICS } from "../../shared/src/topics";
import { DEFAULT_GRADE_WEIGHTS } from "../src/clinical-events";
import { createGenerator, type GeneratedRecord, type GeneratorOptions } from "../src/generator";
import { isNormalVitals } from "../src/vitals";

const NOW = Date.parse("2024-05-01T12:00:00.000Z");
const OPTIONS: GeneratorOptions = { seed: "test-seed", patientCount: 50, now: () => NOW };

function generate(count: number, options: Partial<GeneratorOptions> = {}): GeneratedRecord[] {
  const generator = createGenerator({ ...OPTIONS, ...options });
  return Array.from({ length: count }, () => generator.next());
}

function recordsOf<T>(records: GeneratedRecord[], predicate: (record: GeneratedRecord) => boolean) {
  return records.filter(predicate).map((generated) => generated.record as T);
}

/** Asserts that `actual` is within `tolerance` of `expected`, naming the quantity. */
function assertNear(name: string, actual: number, expected: number, tolerance: number) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${name} is ${actual.toFixed(4)}, expected ${expected} ± ${tolerance}`,
  );
}

describe("createGenerator", () => {
  it("gives the same records for the same seed", () => {
    assert.deepEqual(generate(2000), generate(2000));
  });

  it("gives other records for another seed", () => {
    const first = generate(50).map((generated) => generated.record.patientId);
    const second = generate(50, { seed: "other" }).map((generated) => generated.record.patientId);
    assert.notDeepEqual(first, second);
  });

  it("changes only ids for another run id", () => {
    const withoutIds = (records: GeneratedRecord[]) =>
      records.map((generated) => {
        const { recordId, ...rest } = generated.record as LabResult;
        const copy: Record<string, unknown> = { ...rest };
        delete copy.accessionNumber;
        return { ...generated, record: copy, recordId: recordId.length };
      });
    const first = generate(500, { runId: "run-1" });
    const second = generate(500, { runId: "run-2" });
    assert.deepEqual(withoutIds(first), withoutIds(second));
    assert.notEqual(first[0].record.recordId, second[0].record.recordId);
  });

  it("builds the roster from its options", () => {
    const generator = createGenerator({ ...OPTIONS, trialCount: 2, sitesPerTrial: 3 });
    const { trials, patients, sitesByTrial } = generator.roster;
    assert.deepEqual(
      trials.map((trial) => trial.trialId),
      ["TRIAL-01", "TRIAL-02"],
    );
    assert.deepEqual(sitesByTrial.get("TRIAL-02"), ["SITE-02-01", "SITE-02-02", "SITE-02-03"]);
    assert.equal(patients.length, 50);
    assert.equal(new Set(patients.map((patient) => patient.patientId)).size, 50);
    for (const patient of patients) {
      assert.match(patient.patientId, /^PT-[0-9a-f]{12}$/);
      assert.ok(sitesByTrial.get(patient.trialId)?.includes(patient.siteId));
      assert.ok([`${patient.trialId}-A`, `${patient.trialId}-B`].includes(patient.armId));
    }
  });

  it("produces valid records with unique ids", () => {
    const records = generate(20_000);
    const ids = new Set<string>();
    for (const generated of records) {
      ids.add(generated.record.recordId);
      const { record } = generated;
      if (generated.destination === "gateway") {
        assert.equal(record.recordType, "lab-result");
        LabResultSchema.parse(record);
        continue;
      }
      assert.equal(generated.key, record.patientId);
      if (generated.topic === TOPICS.vitals.name) {
        VitalSignsSchema.parse(record);
      } else if (generated.topic === TOPICS.medications.name) {
        MedicationAdministrationSchema.parse(record);
      } else {
        assert.equal(generated.topic, TOPICS.adverseEvents.name);
        AdverseEventSchema.parse(record);
      }
    }
    assert.equal(ids.size, records.length);
  });

  it("dates records within their delays", () => {
    for (const generated of generate(5000)) {
      const ageMs = NOW - Date.parse(generated.record.eventTime);
      if (generated.destination === "gateway") {
        assert.ok(ageMs >= 30 * 60_000, `lab result age ${ageMs} ms is under 30 minutes`);
        assert.ok(ageMs <= 4 * 3600_000, `lab result age ${ageMs} ms is over 4 hours`);
      } else {
        assert.ok(ageMs >= 0, `site record age ${ageMs} ms is negative`);
        assert.ok(ageMs <= 5 * 60_000, `site record age ${ageMs} ms is over 5 minutes`);
      }
    }
  });
});

describe("generated distributions", () => {
  const records = generate(100_000);

  it("mixes draws by their default weights", () => {
    const kafkaCounts = new Map<string, number>();
    const accessions = new Set<string>();
    for (const generated of records) {
      if (generated.destination === "gateway") {
        accessions.add(generated.record.accessionNumber);
      } else {
        kafkaCounts.set(generated.topic, (kafkaCounts.get(generated.topic) ?? 0) + 1);
      }
    }
    const draws = [...kafkaCounts.values()].reduce((sum, count) => sum + count, accessions.size);
    const share = (topic: string) => (kafkaCounts.get(topic) ?? 0) / draws;
    assertNear("vitals share", share(TOPICS.vitals.name), 50 / 85, 0.01);
    assertNear("medications share", share(TOPICS.medications.name), 20 / 85, 0.01);
    assertNear("adverse events share", share(TOPICS.adverseEvents.name), 5 / 85, 0.005);
    assertNear("lab panel share", accessions.size / draws, 10 / 85, 0.01);
  });

  it("makes the configured share of vital signs abnormal", () => {
    for (const abnormalRate of [0, 0.05, 0.2]) {
      const vitals = recordsOf<VitalSigns>(
        generate(40_000, { abnormalRate }),
        (generated) => generated.destination === "kafka" && generated.topic === TOPICS.vitals.name,
      );
      const abnormal = vitals.filter((record) => !isNormalVitals(record)).length;
      const name = `abnormal vitals share at rate ${abnormalRate}`;
      assertNear(name, abnormal / vitals.length, abnormalRate, 0.01);
    }
  });

  it("grades adverse events by the weights", () => {
    const events = recordsOf<AdverseEvent>(
      records,
      (generated) =>
        generated.destination === "kafka" && generated.topic === TOPICS.adverseEvents.name,
    );
    const counts = [0, 0, 0, 0, 0];
    for (const event of events) {
      counts[event.ctcaeGrade - 1]++;
    }
    for (let grade = 1; grade <= 5; grade++) {
      const share = counts[grade - 1] / events.length;
      assertNear(`grade ${grade} share`, share, DEFAULT_GRADE_WEIGHTS[grade - 1], 0.02);
      if (grade > 1) {
        const message = `grade ${grade} is not rarer than grade ${grade - 1}`;
        assert.ok(counts[grade - 1] < counts[grade - 2], message);
      }
    }
    for (const event of events.filter((candidate) => candidate.ctcaeGrade === 5)) {
      assert.equal(event.outcome, "fatal");
    }
  });

  it("matches the abnormal and unit shares of lab values", () => {
    const results = recordsOf<LabResult>(
      records,
      (generated) => generated.destination === "gateway",
    );
    let outOfRange = 0;
    let alternativeUnit = 0;
    for (const result of results) {
      const analyte = findAnalyte(result.analyte);
      assert.ok(analyte, `unknown analyte ${result.analyte}`);
      const canonical = toCanonical(analyte, result.value, result.unit);
      const message = `unit ${result.unit} is not accepted for ${result.analyte}`;
      assert.ok(canonical !== undefined, message);
      if (canonical < analyte.referenceLow || canonical > analyte.referenceHigh) {
        outOfRange++;
      }
      if (result.unit !== analyte.canonicalUnit) {
        alternativeUnit++;
      }
    }
    assertNear("abnormal lab share", outOfRange / results.length, 0.05, 0.01);
    assertNear("alternative unit share", alternativeUnit / results.length, 0.3, 0.02);
  });
});
