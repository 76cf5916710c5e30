import {
  SCHEMA_VERSION,
  type AdverseEvent,
  type LabResult,
  type MedicationAdministration,
  type VitalSigns,
} from "../../shared/src/records";
import { TOPICS } from "../../shared/src/topics";
import { DEFAULT_GRADE_WEIGHTS, drawAdverseEvent, drawMedication } from "./clinical-events";
import { drawPanel, PANEL_WEIGHTS } from "./lab-draws";
import { Prng } from "./prng";
import { createRoster, type Patient, type Roster, type Trial } from "./roster";
import { drawVitalValues } from "./vitals";

/** A generated record and where it goes: a Kafka topic, or the data gateway for lab results. */
export type GeneratedRecord =
  | { destination: "kafka"; topic: typeof TOPICS.vitals.name; key: string; record: VitalSigns }
  | {
      destination: "kafka";
      topic: typeof TOPICS.medications.name;
      key: string;
      record: MedicationAdministration;
    }
  | {
      destination: "kafka";
      topic: typeof TOPICS.adverseEvents.name;
      key: string;
      record: AdverseEvent;
    }
  | { destination: "gateway"; record: LabResult };

export type DrawKind = "vitals" | "medications" | "adverseEvents" | "labPanel";

export interface GeneratorOptions {
  /** Seed of the roster and the data; the same seed and options give the same records. */
  seed: string;
  patientCount: number;
  /** Defaults to 3. */
  trialCount?: number;
  /** Defaults to 4. */
  sitesPerTrial?: number;
  /** Probability that a vital signs set or lab value is abnormal. Defaults to 0.05. */
  abnormalRate?: number;
  /** Probability that a lab value is reported in an alternative unit. Defaults to 0.3. */
  alternativeUnitRate?: number;
  /**
   * Relative frequencies of draws. A lab panel draw yields one record per analyte of the panel.
   * Defaults to vitals 50, medications 20, adverse events 5, lab panels 10.
   */
  drawWeights?: Readonly<Record<DrawKind, number>>;
  /** Relative frequencies of CTCAE grades 1 to 5. Defaults to `DEFAULT_GRADE_WEIGHTS`. */
  gradeWeights?: readonly number[];
  /**
   * Mixed into record ids and accession numbers only, so a restart with the same seed repeats
   * the data but not the ids. Defaults to the empty string.
   */
  runId?: string;
  /** Current time in ms since the epoch. Defaults to `Date.now`. */
  now?: () => number;
}

export const DEFAULT_DRAW_WEIGHTS: Readonly<Record<DrawKind, number>> = {
  vitals: 50,
  medications: 20,
  adverseEvents: 5,
  labPanel: 10,
};

/** Largest delay, in ms, between a site event and its record: sites enter data in batches. */
const MAX_SITE_DELAY_MS = 5 * 60_000;
/** Range of delays, in ms, between specimen collection and the lab result. */
const LAB_TURNAROUND_MS: [number, number] = [30 * 60_000, 4 * 60 * 60_000];

export interface ClinicalDataGenerator {
  readonly roster: Roster;
  /** Returns the next record. Never ends. */
  next(): GeneratedRecord;
}

/**
 * Creates a generator of synthetic trial data. It draws from its own seeded random numbers,
 * never `Math.random`. It does not validate records, which keeps it fast enough for benchmarks,
 * and tests validate its output against the record schemas instead.
 */
export function createGenerator(options: GeneratorOptions): ClinicalDataGenerator {
  return new SyntheticDataGenerator(options);
}

class SyntheticDataGenerator implements ClinicalDataGenerator {
  readonly roster: Roster;
  private readonly trials: Map<string, Trial>;
  /** Random numbers of the data. */
  private readonly random: Prng;
  /** Random numbers of record ids and accession numbers, seeded with the run id too. */
  private readonly ids: Prng;
  private readonly now: () => number;
  private readonly abnormalRate: number;
  private readonly alternativeUnitRate: number;
  private readonly gradeWeights: readonly number[];
  private readonly draws: [DrawKind, number][];
  private readonly pendingLabResults: LabResult[] = [];

  constructor(options: GeneratorOptions) {
    this.roster = createRoster({
      seed: options.seed,
      trialCount: options.trialCount ?? 3,
      sitesPerTrial: options.sitesPerTrial ?? 4,
      patientCount: options.patientCount,
    });
    this.trials = new Map(this.roster.trials.map((trial) => [trial.trialId, trial]));
    this.random = new Prng(`${options.seed}/records`);
    this.ids = new Prng(`${options.seed}/ids/${options.runId ?? ""}`);
    this.now = options.now ?? Date.now;
    this.abnormalRate = options.abnormalRate ?? 0.05;
    this.alternativeUnitRate = options.alternativeUnitRate ?? 0.3;
    this.gradeWeights = options.gradeWeights ?? DEFAULT_GRADE_WEIGHTS;
    const drawWeights = options.drawWeights ?? DEFAULT_DRAW_WEIGHTS;
    this.draws = Object.entries(drawWeights) as [DrawKind, number][];
  }

  next(): GeneratedRecord {
    while (this.pendingLabResults.length === 0) {
      const kind = this.random.weighted(this.draws);
      const patient = this.random.pick(this.roster.patients);
      if (kind !== "labPanel") {
        return this.drawSiteRecord(kind, patient);
      }
      this.drawLabPanel(patient);
    }
    return { destination: "gateway", record: this.pendingLabResults.shift() as LabResult };
  }

  private drawSiteRecord(kind: Exclude<DrawKind, "labPanel">, patient: Patient): GeneratedRecord {
    const key = patient.patientId;
    switch (kind) {
      case "vitals": {
        const values = drawVitalValues(this.random, patient, this.abnormalRate);
        const base = this.siteBase(patient);
        const record: VitalSigns = { ...base, recordType: "vital-signs", ...values };
        return { destination: "kafka", topic: TOPICS.vitals.name, key, record };
      }
      case "medications": {
        const trial = this.trials.get(patient.trialId) as Trial;
        const record = drawMedication(this.random, this.siteBase(patient), patient, trial);
        return { destination: "kafka", topic: TOPICS.medications.name, key, record };
      }
      case "adverseEvents": {
        const record = drawAdverseEvent(this.random, this.siteBase(patient), this.gradeWeights);
        return { destination: "kafka", topic: TOPICS.adverseEvents.name, key, record };
      }
    }
  }

  private siteBase(patient: Patient) {
    const delayMs = this.random.int(0, MAX_SITE_DELAY_MS);
    return {
      recordId: this.ids.uuid(),
      schemaVersion: SCHEMA_VERSION,
      patientId: patient.patientId,
      trialId: patient.trialId,
      siteId: patient.siteId,
      armId: patient.armId,
      eventTime: new Date(this.now() - delayMs).toISOString(),
    } as const;
  }

  private drawLabPanel(patient: Patient): void {
    const turnaroundMs = this.random.int(...LAB_TURNAROUND_MS);
    const base = {
      schemaVersion: SCHEMA_VERSION,
      patientId: patient.patientId,
      trialId: patient.trialId,
      siteId: patient.siteId,
      eventTime: new Date(this.now() - turnaroundMs).toISOString(),
      accessionNumber: `ACC-${this.ids.hex(8)}`,
    } as const;
    const panel = this.random.weighted(PANEL_WEIGHTS);
    const results = drawPanel(this.random, () => this.ids.uuid(), base, panel, {
      abnormalRate: this.abnormalRate,
      alternativeUnitRate: this.alternativeUnitRate,
    });
    this.pendingLabResults.push(...results);
  }
}
