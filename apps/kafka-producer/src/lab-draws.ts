import {
  analytesOfPanel,
  fromCanonical,
  type AnalyteDefinition,
  type PanelCode,
} from "../../shared/src/lab-catalog";
import type { LabResult } from "../../shared/src/records";
import type { Prng } from "./prng";
import { round } from "./vitals";

/** Relative frequencies of ordered panels. */
export const PANEL_WEIGHTS: readonly (readonly [PanelCode, number])[] = [
  ["CBC", 40],
  ["CMP", 40],
  ["LIPID", 20],
];

/** Share of abnormal lab values that are beyond a critical limit, where the analyte has one. */
export const CRITICAL_SHARE = 0.1;

export interface LabDrawOptions {
  /** Probability that a value is outside the reference range. */
  abnormalRate: number;
  /** Probability that a value is reported in an alternative unit rather than the canonical one. */
  alternativeUnitRate: number;
}

type LabBase = Pick<
  LabResult,
  "schemaVersion" | "patientId" | "trialId" | "siteId" | "eventTime" | "accessionNumber"
>;

/** Draws one specimen's results: one lab result per analyte of `panel`, sharing `base`. */
export function drawPanel(
  random: Prng,
  newRecordId: () => string,
  base: LabBase,
  panel: PanelCode,
  options: LabDrawOptions,
): LabResult[] {
  return analytesOfPanel(panel).map((analyte) => {
    const drawn = drawCanonicalValue(random, analyte, options.abnormalRate);
    const canonicalValue = round(drawn, analyte.decimals);
    const rate = options.alternativeUnitRate;
    const { value, unit } = chooseUnit(random, analyte, canonicalValue, rate);
    return {
      ...base,
      recordId: newRecordId(),
      recordType: "lab-result",
      panel,
      analyte: analyte.code,
      value,
      unit,
    };
  });
}

/**
 * Draws a value in the canonical unit. Normal values fall inside the reference range and
 * abnormal values between the reference and the critical limit, or with probability
 * `CRITICAL_SHARE` beyond the critical limit. Every value keeps a margin from each limit, 2 % of
 * the range's width and at least one reported digit, so rounding and unit conversion do not move
 * it across.
 */
export function drawCanonicalValue(
  random: Prng,
  analyte: AnalyteDefinition,
  abnormalRate: number,
): number {
  const { referenceLow: low, referenceHigh: high } = analyte;
  const margin = Math.max((high - low) * 0.02, 10 ** -analyte.decimals);

  if (!random.chance(abnormalRate)) {
    const center = low === 0 ? high * 0.6 : (low + high) / 2;
    const drawn = random.normal(center, (high - low) / 6);
    return Math.min(high - margin, Math.max(low + margin, drawn));
  }

  // A reference range starting at 0 has no low abnormal values.
  const lowSide = low > 0 && random.chance(0.5);
  const critical = random.chance(CRITICAL_SHARE);
  if (lowSide) {
    const criticalLow = analyte.criticalLow;
    if (critical && criticalLow !== undefined) {
      return random.uniform(criticalLow * 0.6, criticalLow - margin);
    }
    return random.uniform((criticalLow ?? low * 0.6) + margin, low - margin);
  }

  const criticalHigh = analyte.criticalHigh;
  if (critical && criticalHigh !== undefined) {
    return random.uniform(criticalHigh + margin, criticalHigh * 1.4);
  }
  return random.uniform(high + margin, (criticalHigh ?? high * 2) - margin);
}

function chooseUnit(
  random: Prng,
  analyte: AnalyteDefinition,
  canonicalValue: number,
  alternativeUnitRate: number,
): { value: number; unit: string } {
  const alternatives = Object.entries(analyte.alternativeUnits);
  if (alternatives.length === 0 || !random.chance(alternativeUnitRate)) {
    return { value: canonicalValue, unit: analyte.canonicalUnit };
  }

  const [unit, factor] = random.pick(alternatives);
  const value = fromCanonical(analyte, canonicalValue, unit) ?? canonicalValue;
  // Keep about the same precision: a factor of 10 to the canonical unit costs one decimal.
  const decimals = Math.max(0, analyte.decimals + Math.round(Math.log10(factor)));
  return { value: round(value, decimals), unit };
}
