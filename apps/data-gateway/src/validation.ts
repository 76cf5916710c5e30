import type { z } from "zod";
import { LabResultSchema, type LabResult } from "../../shared/src/records";

/** One failing field of a request body. `field` is a path such as `value` or `[3].unit`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; results: LabResult[] }
  | { ok: false; message: string; issues: FieldIssue[] };

/** Most issues listed in one response; a batch of garbage should not produce a huge body. */
const MAX_ISSUES = 20;

/** Validates the body of `POST /v1/lab-results`: one lab result object. */
export function validateSingle(body: unknown): ValidationResult {
  const parsed = LabResultSchema.safeParse(body);
  if (parsed.success) {
    return { ok: true, results: [parsed.data] };
  }
  return invalid(parsed.error.issues.map((issue) => toFieldIssue(issue, [])));
}

/** Validates the body of `POST /v1/lab-results/batch`: a non-empty array of lab results. */
export function validateBatch(body: unknown, maxBatchSize: number): ValidationResult {
  if (!Array.isArray(body)) {
    return invalid([{ field: "(body)", message: "expected a JSON array of lab results" }]);
  }
  if (body.length === 0 || body.length > maxBatchSize) {
    const message = `expected 1 to ${maxBatchSize} lab results, got ${body.length}`;
    return invalid([{ field: "(body)", message }]);
  }

  const results: LabResult[] = [];
  const issues: FieldIssue[] = [];
  body.forEach((item, index) => {
    const parsed = LabResultSchema.safeParse(item);
    if (parsed.success) {
      results.push(parsed.data);
    } else {
      issues.push(...parsed.error.issues.map((issue) => toFieldIssue(issue, [index])));
    }
  });
  return issues.length === 0 ? { ok: true, results } : invalid(issues);
}

function invalid(issues: FieldIssue[]): ValidationResult {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return {
    ok: false,
    message: `invalid lab result: ${first.field}: ${first.message}${more}`,
    issues: issues.slice(0, MAX_ISSUES),
  };
}

function toFieldIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): FieldIssue {
  return { field: formatPath([...prefix, ...issue.path]), message: issue.message };
}

/** Formats a zod path as `[0].unit`, `value` or `(body)` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      out += `[${segment}]`;
    } else {
      out += out === "" ? String(segment) : `.${String(segment)}`;
    }
  }
  return out === "" ? "(body)" : out;
}
