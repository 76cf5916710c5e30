// Lab analytes by panel, with canonical units, conversions, reference ranges and critical limits.
//
// Sources:
// - Conversion factors: the SI conversion table of the AMA Manual of Style (JAMA author
//   instructions, "SI Units for Clinical Data"). A value in the alternative unit times the
//   factor gives the canonical unit.
// - Reference ranges: typical adult intervals, rounded, as listed next to the factors in that
//   table and in the AIDSinfo fact sheet "Normal Laboratory Values" (US and SI units).
// - Critical limits: rounded from the mean adult limits in the "Table of Critical Limits" of the
//   Clinical Laboratory Reference 2023-2024 (MLO) and ARUP Laboratories' critical values list.
// Every laboratory publishes its own ranges; these are for synthetic data and flagging only.

export { conversionFactor, fromCanonical, normalizeUnit, toCanonical } from "./lab-units";

export type PanelCode = "CBC" | "CMP" | "LIPID";

export interface AnalyteDefinition {
  /** Short code as labs send it, for example `GLU`. */
  readonly code: string;
  readonly name: string;
  readonly panel: PanelCode;
  /** The unit results are stored in after conversion. */
  readonly canonicalUnit: string;
  /** Accepted alternative units and the factor that converts a value in each to canonical. */
  readonly alternativeUnits: Readonly<Record<string, number>>;
  /** Adult reference range in the canonical unit, inclusive. */
  readonly referenceLow: number;
  readonly referenceHigh: number;
  /** Values below this, in the canonical unit, are critical. Absent when no limit is common. */
  readonly criticalLow?: number;
  /** Values above this, in the canonical unit, are critical. Absent when no limit is common. */
  readonly criticalHigh?: number;
  /** Decimal places labs usually report in the canonical unit. */
  readonly decimals: number;
}

export const PANELS: Readonly<Record<PanelCode, string>> = {
  CBC: "Complete blood count",
  CMP: "Comprehensive metabolic panel",
  LIPID: "Lipid panel",
};

export const ANALYTES: readonly AnalyteDefinition[] = [
  // Complete blood count
  {
    code: "HGB",
    name: "Hemoglobin",
    panel: "CBC",
    canonicalUnit: "g/L",
    alternativeUnits: { "g/dL": 10, "mmol/L": 16.11 },
    referenceLow: 120,
    referenceHigh: 170,
    criticalLow: 70,
    criticalHigh: 200,
    decimals: 0,
  },
  {
    code: "HCT",
    name: "Hematocrit",
    panel: "CBC",
    canonicalUnit: "%",
    alternativeUnits: { "L/L": 100 },
    referenceLow: 36,
    referenceHigh: 50,
    criticalLow: 18,
    criticalHigh: 60,
    decimals: 1,
  },
  {
    code: "WBC",
    name: "Leukocytes",
    panel: "CBC",
    canonicalUnit: "10^9/L",
    alternativeUnits: { "10^3/uL": 1, "/uL": 0.001 },
    referenceLow: 4,
    referenceHigh: 11,
    criticalLow: 2,
    criticalHigh: 30,
    decimals: 1,
  },
  {
    code: "PLT",
    name: "Platelets",
    panel: "CBC",
    canonicalUnit: "10^9/L",
    alternativeUnits: { "10^3/uL": 1 },
    referenceLow: 150,
    referenceHigh: 400,
    criticalLow: 20,
    criticalHigh: 1000,
    decimals: 0,
  },

  // Comprehensive metabolic panel
  {
    code: "GLU",
    name: "Glucose",
    panel: "CMP",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mg/dL": 0.0555 },
    referenceLow: 3.9,
    referenceHigh: 5.6,
    criticalLow: 2.5,
    criticalHigh: 25,
    decimals: 1,
  },
  {
    code: "NA",
    name: "Sodium",
    panel: "CMP",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mEq/L": 1 },
    referenceLow: 135,
    referenceHigh: 145,
    criticalLow: 120,
    criticalHigh: 160,
    decimals: 0,
  },
  {
    code: "K",
    name: "Potassium",
    panel: "CMP",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mEq/L": 1 },
    referenceLow: 3.5,
    referenceHigh: 5.0,
    criticalLow: 2.8,
    criticalHigh: 6.2,
    decimals: 1,
  },
  {
    code: "CL",
    name: "Chloride",
    panel: "CMP",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mEq/L": 1 },
    referenceLow: 98,
    referenceHigh: 106,
    criticalLow: 80,
    criticalHigh: 120,
    decimals: 0,
  },
  {
    code: "CA",
    name: "Calcium",
    panel: "CMP",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mg/dL": 0.2495 },
    referenceLow: 2.1,
    referenceHigh: 2.6,
    criticalLow: 1.65,
    criticalHigh: 3.25,
    decimals: 2,
  },
  {
    code: "CREAT",
    name: "Creatinine",
    panel: "CMP",
    canonicalUnit: "umol/L",
    alternativeUnits: { "mg/dL": 88.4 },
    referenceLow: 53,
    referenceHigh: 106,
    criticalHigh: 650,
    decimals: 0,
  },
  {
    code: "UREA",
    name: "Urea",
    panel: "CMP",
    canonicalUnit: "mmol/L",
    // Urea nitrogen (BUN) in mg/dL to urea in mmol/L.
    alternativeUnits: { "mg/dL": 0.357 },
    referenceLow: 2.9,
    referenceHigh: 7.1,
    criticalHigh: 36,
    decimals: 1,
  },
  {
    code: "ALT",
    name: "Alanine aminotransferase",
    panel: "CMP",
    canonicalUnit: "U/L",
    alternativeUnits: { "ukat/L": 60 },
    referenceLow: 7,
    referenceHigh: 55,
    decimals: 0,
  },
  {
    code: "AST",
    name: "Aspartate aminotransferase",
    panel: "CMP",
    canonicalUnit: "U/L",
    alternativeUnits: { "ukat/L": 60 },
    referenceLow: 10,
    referenceHigh: 40,
    decimals: 0,
  },
  {
    code: "TBIL",
    name: "Bilirubin, total",
    panel: "CMP",
    canonicalUnit: "umol/L",
    alternativeUnits: { "mg/dL": 17.1 },
    referenceLow: 3,
    referenceHigh: 21,
    criticalHigh: 255,
    decimals: 0,
  },
  {
    code: "ALB",
    name: "Albumin",
    panel: "CMP",
    canonicalUnit: "g/L",
    alternativeUnits: { "g/dL": 10 },
    referenceLow: 35,
    referenceHigh: 50,
    decimals: 0,
  },

  // Lipid panel
  {
    code: "CHOL",
    name: "Cholesterol, total",
    panel: "LIPID",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mg/dL": 0.02586 },
    referenceLow: 0,
    referenceHigh: 5.2,
    decimals: 2,
  },
  {
    code: "LDL",
    name: "LDL cholesterol",
    panel: "LIPID",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mg/dL": 0.02586 },
    referenceLow: 0,
    referenceHigh: 3.37,
    decimals: 2,
  },
  {
    code: "HDL",
    name: "HDL cholesterol",
    panel: "LIPID",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mg/dL": 0.02586 },
    referenceLow: 1.04,
    referenceHigh: 2.6,
    decimals: 2,
  },
  {
    code: "TRIG",
    name: "Triglycerides",
    panel: "LIPID",
    canonicalUnit: "mmol/L",
    alternativeUnits: { "mg/dL": 0.01129 },
    referenceLow: 0,
    referenceHigh: 1.7,
    decimals: 2,
  },
];

const ANALYTES_BY_CODE = new Map(ANALYTES.map((analyte) => [analyte.code, analyte]));

/** Returns the analyte with this code, or undefined when the catalog has none. */
export function findAnalyte(code: string): AnalyteDefinition | undefined {
  return ANALYTES_BY_CODE.get(code);
}

/** Returns the analytes of a panel in catalog order. */
export function analytesOfPanel(panel: PanelCode): AnalyteDefinition[] {
  return ANALYTES.filter((analyte) => analyte.panel === panel);
}
