import type { AnalyteDefinition } from "./lab-catalog";

// Unit conversion for lab results. A value in an accepted unit times its factor gives the
// analyte's canonical unit.

// The micro sign (U+00B5) and the Greek small letter mu (U+03BC) written as the SI prefix, that
// is, directly before a unit symbol such as `mol`, `L` or `kat`.
const MICRO_PREFIX = /[\u00b5\u03bc](?=\p{L})/gu;

/**
 * Returns a unit in the catalog's spelling. The only aliases are whitespace, which is dropped,
 * and a micro sign or mu used as a prefix, which becomes `u` (`µmol/L` is `umol/L`). Case is
 * kept, because UCUM units are case-sensitive: `mmol/L` is millimole and `Mmol/L` megamole.
 */
export function normalizeUnit(unit: string): string {
  // The prefix is replaced first, so a micro sign followed by a space is not a prefix.
  return unit.replace(MICRO_PREFIX, "u").replace(/\s+/g, "");
}

/**
 * Returns the factor that converts a value in `unit` to the analyte's canonical unit (1 for the
 * canonical unit itself), or undefined when the unit is not accepted. After `normalizeUnit` the
 * unit must equal an accepted spelling exactly, case included.
 */
export function conversionFactor(analyte: AnalyteDefinition, unit: string): number | undefined {
  const requested = normalizeUnit(unit);
  if (requested === analyte.canonicalUnit) {
    return 1;
  }
  return Object.hasOwn(analyte.alternativeUnits, requested)
    ? analyte.alternativeUnits[requested]
    : undefined;
}

/** Converts a value to the canonical unit; undefined when the unit is not accepted. */
export function toCanonical(
  analyte: AnalyteDefinition,
  value: number,
  unit: string,
): number | undefined {
  const factor = conversionFactor(analyte, unit);
  return factor === undefined ? undefined : value * factor;
}

/** Converts a canonical value to `unit`; undefined when the unit is not accepted. */
export function fromCanonical(
  analyte: AnalyteDefinition,
  canonicalValue: number,
  unit: string,
): number | undefined {
  const factor = conversionFactor(analyte, unit);
  return factor === undefined ? undefined : canonicalValue / factor;
}
