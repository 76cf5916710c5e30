import assert from "node:assert/strict";
import {
  ANALYTES,
  analytesOfPanel,
  conversionFactor,
  findAnalyte,
  fromCanonical,
  normalizeUnit,
  PANELS,
  toCanonical,
} from "../src/lab-catalog";

function analyte(code: string) {
  const found = findAnalyte(code);
  assert.ok(found, `analyte ${code} is missing from the catalog`);
  return found;
}

describe("lab catalog", () => {
  // [analyte, value, unit, expected canonical value, canonical unit]
  const conversions: [string, number, string, number, string][] = [
    ["GLU", 90, "mg/dL", 4.995, "mmol/L"],
    ["GLU", 5.2, "mmol/L", 5.2, "mmol/L"],
    ["CREAT", 1.0, "mg/dL", 88.4, "umol/L"],
    ["CREAT", 80, "µmol/L", 80, "umol/L"],
    ["CREAT", 80, "\u03bcmol/L", 80, "umol/L"],
    ["CREAT", 1.0, " mg / dL ", 88.4, "umol/L"],
    ["HGB", 13.5, "g/dL", 135, "g/L"],
    ["HGB", 8.5, "mmol/L", 136.935, "g/L"],
    ["CA", 9.0, "mg/dL", 2.2455, "mmol/L"],
    ["UREA", 14, "mg/dL", 4.998, "mmol/L"],
    ["TBIL", 1.0, "mg/dL", 17.1, "umol/L"],
    ["ALT", 0.5, "ukat/L", 30, "U/L"],
    ["HCT", 0.42, "L/L", 42, "%"],
    ["WBC", 7500, "/uL", 7.5, "10^9/L"],
    ["WBC", 7.5, "10^3/µL", 7.5, "10^9/L"],
    ["AST", 0.5, "µkat/L", 30, "U/L"],
    ["CHOL", 200, "mg/dL", 5.172, "mmol/L"],
    ["TRIG", 150, "mg/dL", 1.6935, "mmol/L"],
  ];
  for (const [code, value, unit, expected, canonicalUnit] of conversions) {
    it(`converts ${code} ${value} ${unit} to ${expected} ${canonicalUnit}`, () => {
      const definition = analyte(code);
      assert.equal(definition.canonicalUnit, canonicalUnit);
      const converted = toCanonical(definition, value, unit);
      assert.ok(converted !== undefined);
      assert.ok(Math.abs(converted - expected) < 1e-9, `got ${converted}`);
    });
  }

  const rejectedUnits: [string, string][] = [
    ["GLU", "g/L"],
    ["CREAT", "mmol/L"],
    ["K", "mg/dL"],
    ["HGB", ""],
    // Units are case-sensitive: Mmol/L is megamole per litre, MG/DL no unit at all.
    ["GLU", "Mmol/L"],
    ["GLU", "MMOL/L"],
    ["CREAT", "MG/DL"],
    ["ALT", "u/L"],
    // A micro sign is an alias of u only as a prefix, so µ/L is not U/L.
    ["ALT", "µ/L"],
    ["AST", "\u03bc/L"],
    ["CREAT", "µ mol/L"],
    ["GLU", "constructor"],
  ];
  for (const [code, unit] of rejectedUnits) {
    it(`rejects unit "${unit}" for ${code}`, () => {
      assert.equal(conversionFactor(analyte(code), unit), undefined);
      assert.equal(toCanonical(analyte(code), 1, unit), undefined);
    });
  }

  it("converts back from canonical", () => {
    const value = fromCanonical(analyte("GLU"), 5.55, "mg/dL");
    assert.ok(value !== undefined);
    assert.ok(Math.abs(value - 100) < 1e-9, `got ${value}`);
  });

  // [input, normalized]
  const normalized: [string, string][] = [
    [" µmol / L ", "umol/L"],
    ["\u03bcmol/L", "umol/L"],
    ["10^3/µL", "10^3/uL"],
    ["µ/L", "µ/L"],
    ["µ", "µ"],
    ["Mmol/L", "Mmol/L"],
  ];
  for (const [input, expected] of normalized) {
    it(`normalizes ${JSON.stringify(input)} to ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizeUnit(input), expected);
    });
  }

  it("returns undefined for an unknown analyte", () => {
    assert.equal(findAnalyte("XYZ"), undefined);
  });

  it("has consistent ranges for every analyte", () => {
    for (const definition of ANALYTES) {
      const { code, referenceLow, referenceHigh, criticalLow, criticalHigh } = definition;
      assert.ok(referenceLow < referenceHigh, `${code}: reference range is empty`);
      if (criticalLow !== undefined) {
        assert.ok(criticalLow < referenceLow, `${code}: critical low is not below the range`);
      }
      if (criticalHigh !== undefined) {
        assert.ok(criticalHigh > referenceHigh, `${code}: critical high is not above the range`);
      }
      for (const [unit, factor] of Object.entries(definition.alternativeUnits)) {
        assert.ok(factor > 0, `${code}: factor of ${unit} is not positive`);
        assert.notEqual(unit, definition.canonicalUnit, `${code}: ${unit} is listed twice`);
      }
    }
  });

  it("has only non-negative analytes", () => {
    // The lab result schema rejects negative values, which is right only while this holds.
    for (const definition of ANALYTES) {
      assert.ok(definition.referenceLow >= 0, `${definition.code}: reference low is negative`);
      assert.ok((definition.criticalLow ?? 0) >= 0, `${definition.code}: critical low is negative`);
    }
  });

  it("has unique codes and analytes in every panel", () => {
    const codes = ANALYTES.map((definition) => definition.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const panel of Object.keys(PANELS) as (keyof typeof PANELS)[]) {
      assert.ok(analytesOfPanel(panel).length >= 4, `panel ${panel} has fewer than 4 analytes`);
    }
  });
});
