import type { AnalyteDefinition } from "./lab-catalog";

// Unit conversion for lab results. A value in an accepted unit times its factor gives the
// analyte's canonical unit.

/** Returns a unit in the catalog's spelling: micro signs become `u`, spaces are dropped. */
export function normalizeUnit(unit: string): string {
  return unit.trim().replace(/[\u00b5\u03bc]/g, "u").replace(/\s+/g, "");
}

/**
 * Returns the factor that converts a value in `unit` to the analyte's canonical unit (1 for the
 * canonical unit itself), or undefined when the unit is not accepted. Units match ignoring case.
 */
export function conversionFactor(analyte: AnalyteDefinition, unit: string): number | undefined {
  const requested = normalizeUnit(unit).toLowerCase();
  if (requested === analyte.canonicalUnit.toLowerCase()) {
    return 1;
  }
  for (const [alternative, factor] of Object.entries(analyte.alternativeUnits)) {
    if (alternative.toLowerCase() === requested) {
      return factor;
    }
  }
  return undefined;
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
