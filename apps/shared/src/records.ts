import { z } from "zod";

/**
 * Version of every record schema in this file. A consumer rejects other versions, so raise it
 * with any change that breaks existing readers.
 */
export const SCHEMA_VERSION = 1;

/** `PT-` and 12 lowercase hex digits. Patient ids are pseudonyms and never contain names. */
export const PATIENT_ID_PATTERN = /^PT-[0-9a-f]{12}$/;
/** Trial, site and arm codes: uppercase letters, digits and hyphens, for example `TRIAL-01`. */
export const CODE_PATTERN = /^[A-Z][A-Z0-9-]{1,39}$/;

const code = (example: string) =>
  z.string().regex(CODE_PATTERN, `expected an uppercase code such as ${example}`);

/** Fields every record carries. */
export const recordBaseShape = {
  recordId: z.uuid(),
  schemaVersion: z.literal(SCHEMA_VERSION),
  patientId: z.string().regex(PATIENT_ID_PATTERN, "expected PT- and 12 lowercase hex digits"),
  trialId: code("TRIAL-01"),
  siteId: code("SITE-01-02"),
  /** ISO 8601 in UTC with a `Z` suffix, for example `2024-05-01T13:45:00.000Z`. */
  eventTime: z.iso.datetime({ error: "expected an ISO 8601 UTC time ending in Z" }),
};

// The sites record the randomisation arm (open-label design), so site records carry `armId`.
// Lab results come from a central lab that receives only the patient, trial and site.
const siteRecordShape = { ...recordBaseShape, armId: code("TRIAL-01-A") };

export const VitalSignsSchema = z
  .object({
    ...siteRecordShape,
    recordType: z.literal("vital-signs"),
    heartRateBpm: z.number().int().min(20).max(250),
    systolicBpMmHg: z.number().int().min(50).max(260),
    diastolicBpMmHg: z.number().int().min(20).max(160),
    temperatureCelsius: z.number().min(30).max(45),
    spo2Percent: z.number().int().min(50).max(100),
    respiratoryRatePerMin: z.number().int().min(4).max(60),
  })
  .refine((vitals) => vitals.diastolicBpMmHg < vitals.systolicBpMmHg, {
    path: ["diastolicBpMmHg"],
    message: "expected diastolic blood pressure below systolic",
  });
export type VitalSigns = z.infer<typeof VitalSignsSchema>;

export const DOSE_UNITS = ["mg", "g", "mcg", "mL", "IU"] as const;
export const ROUTES = [
  "oral",
  "intravenous",
  "subcutaneous",
  "intramuscular",
  "inhalation",
  "topical",
] as const;

export const MedicationAdministrationSchema = z.object({
  ...siteRecordShape,
  recordType: z.literal("medication-administration"),
  medicationName: z.string().min(1).max(100),
  /** WHO ATC code, for example `N02BE01`; the investigational product has none. */
  atcCode: z
    .string()
    .regex(/^[A-Z]\d{2}[A-Z]{2}\d{2}$/)
    .nullable(),
  isStudyDrug: z.boolean(),
  dose: z.number().positive(),
  doseUnit: z.enum(DOSE_UNITS),
  route: z.enum(ROUTES),
});
export type MedicationAdministration = z.infer<typeof MedicationAdministrationSchema>;

export const AE_OUTCOMES = [
  "recovered",
  "recovering",
  "not-recovered",
  "fatal",
  "unknown",
] as const;
export const AE_CAUSALITY = [
  "not-related",
  "unlikely",
  "possible",
  "probable",
  "definite",
] as const;

export const AdverseEventSchema = z
  .object({
    ...siteRecordShape,
    recordType: z.literal("adverse-event"),
    /** MedDRA preferred term, for example `Nausea`. */
    term: z.string().min(1).max(100),
    /** CTCAE grade: 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death. */
    ctcaeGrade: z.number().int().min(1).max(5),
    serious: z.boolean(),
    outcome: z.enum(AE_OUTCOMES),
    causality: z.enum(AE_CAUSALITY),
  })
  .refine((event) => (event.ctcaeGrade === 5) === (event.outcome === "fatal"), {
    path: ["outcome"],
    message: "expected outcome fatal exactly when ctcaeGrade is 5",
  })
  .refine((event) => event.ctcaeGrade < 4 || event.serious, {
    path: ["serious"],
    message: "expected serious to be true for ctcaeGrade 4 and 5",
  });
export type AdverseEvent = z.infer<typeof AdverseEventSchema>;

/**
 * Largest submitted lab value. It is orders of magnitude above any result in the catalog's units
 * (leukocytes in /uL, the largest, stay below 1e6), so a converted value stays finite.
 */
export const MAX_LAB_VALUE = 1e9;

/**
 * Shape of a lab result as a lab system submits it to the data gateway. Analyte and unit are
 * checked for form only: the lab-results-processor checks them against the lab catalog.
 */
export const labResultShape = {
  ...recordBaseShape,
  recordType: z.literal("lab-result"),
  /** Groups the results of one specimen, for example `ACC-3f9a2c71`. */
  accessionNumber: z.string().regex(/^ACC-[0-9a-f]{8}$/, "expected ACC- and 8 hex digits"),
  panel: z.string().regex(/^[A-Z]{2,10}$/, "expected a panel code such as CBC"),
  analyte: z.string().regex(/^[A-Z][A-Z0-9]{0,9}$/, "expected an analyte code such as GLU"),
  /** Every catalog analyte is a concentration, count or fraction, so values are non-negative. */
  value: z
    .number()
    .min(0, "expected a non-negative number")
    .max(MAX_LAB_VALUE, `expected a number at most ${MAX_LAB_VALUE}`),
  unit: z.string().min(1).max(20),
};

export const LabResultSchema = z.object(labResultShape);
export type LabResult = z.infer<typeof LabResultSchema>;

export const LAB_FLAGS = ["normal", "low", "high", "critical-low", "critical-high"] as const;
export type LabFlag = (typeof LAB_FLAGS)[number];

/**
 * A lab result after conversion to the analyte's canonical unit and flagging against the
 * reference range. `recordId` is the submitted result's id, so a reprocessed result is a
 * duplicate that downstream can drop.
 */
export const ProcessedLabResultSchema = z.object({
  ...labResultShape,
  recordType: z.literal("processed-lab-result"),
  canonicalValue: z.number(),
  canonicalUnit: z.string().min(1),
  referenceLow: z.number(),
  referenceHigh: z.number(),
  flag: z.enum(LAB_FLAGS),
  processedAt: z.iso.datetime(),
});
export type ProcessedLabResult = z.infer<typeof ProcessedLabResultSchema>;

/** Every record type that a Kafka topic carries, distinguished by `recordType`. */
export type ClinicalRecord =
  | VitalSigns
  | MedicationAdministration
  | AdverseEvent
  | ProcessedLabResult;
