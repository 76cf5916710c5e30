import { findAnalyte, toCanonical, type AnalyteDefinition } from "../../shared/src/lab-catalog";
import {
  LabResultSchema,
  type LabFlag,
  type LabResult,
  type ProcessedLabResult,
} from "../../shared/src/records";

/**
 * Problem that makes a message unprocessable. Retrying cannot fix it, so it goes to the DLQ.
 * `kafka-rejected` is set by the consumer when Kafka rejects the processed result, or keeps
 * failing it with an error that is not broker unavailability.
 */
export type RejectionKind =
  | "invalid-json"
  | "invalid-schema"
  | "unknown-analyte"
  | "wrong-panel"
  | "unknown-unit"
  | "kafka-rejected";

export type ProcessingOutcome =
  | { ok: true; result: ProcessedLabResult }
  | { ok: false; kind: RejectionKind; reason: string };

/**
 * Validates a submitted lab result, converts its value to the analyte's canonical unit and
 * flags it against the reference range and critical limits.
 */
export function processLabResult(body: Buffer | string, processedAt: Date): ProcessingOutcome {
  let json: unknown;
  try {
    json = JSON.parse(body.toString());
  } catch (error) {
    return reject("invalid-json", `invalid JSON: ${(error as Error).message}`);
  }

  const parsed = LabResultSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    return reject("invalid-schema", `invalid lab result: ${problems.join("; ")}`);
  }
  return convertAndFlag(parsed.data, processedAt);
}

/**
 * Converts a valid lab result and flags it. Rejects analytes and units the catalog lacks, and
 * values whose conversion is not a finite number.
 */
export function convertAndFlag(result: LabResult, processedAt: Date): ProcessingOutcome {
  const analyte = findAnalyte(result.analyte);
  if (!analyte) {
    return reject("unknown-analyte", `analyte ${result.analyte} is not in the lab catalog`);
  }
  if (analyte.panel !== result.panel) {
    return reject(
      "wrong-panel",
      `analyte ${result.analyte} belongs to panel ${analyte.panel}, not ${result.panel}`,
    );
  }

  const converted = toCanonical(analyte, result.value, result.unit);
  if (converted === undefined) {
    const accepted = [analyte.canonicalUnit, ...Object.keys(analyte.alternativeUnits)];
    return reject(
      "unknown-unit",
      `unit ${result.unit} is not accepted for ${analyte.code}; accepted: ${accepted.join(", ")}`,
    );
  }

  if (!Number.isFinite(converted)) {
    return reject(
      "invalid-schema",
      `value ${result.value} ${result.unit} of ${analyte.code} converts to ${converted} ` +
        `${analyte.canonicalUnit}, which is not a finite number`,
    );
  }

  const canonicalValue = roundForUnit(converted, analyte);
  return {
    ok: true,
    result: {
      ...result,
      recordType: "processed-lab-result",
      canonicalValue,
      canonicalUnit: analyte.canonicalUnit,
      referenceLow: analyte.referenceLow,
      referenceHigh: analyte.referenceHigh,
      flag: flagValue(canonicalValue, analyte),
      processedAt: processedAt.toISOString(),
    },
  };
}

/**
 * Flags a canonical value. The reference range is inclusive, and a critical limit flags only
 * values strictly beyond it.
 */
export function flagValue(value: number, analyte: AnalyteDefinition): LabFlag {
  if (analyte.criticalLow !== undefined && value < analyte.criticalLow) {
    return "critical-low";
  }
  if (analyte.criticalHigh !== undefined && value > analyte.criticalHigh) {
    return "critical-high";
  }
  if (value < analyte.referenceLow) {
    return "low";
  }
  if (value > analyte.referenceHigh) {
    return "high";
  }
  return "normal";
}

/**
 * Rounds to two decimals more than labs report in the canonical unit. This removes
 * floating-point noise such as 5.550000000000001 and keeps more precision than labs report.
 */
function roundForUnit(value: number, analyte: AnalyteDefinition): number {
  return Number(value.toFixed(analyte.decimals + 2));
}

function reject(kind: RejectionKind, reason: string): ProcessingOutcome {
  return { ok: false, kind, reason };
}
