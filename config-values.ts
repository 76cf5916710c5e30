/**
 * Validators for single stack config values. `config.ts` combines them; they live apart so each
 * rule can be read, and tested, on its own.
 */
import { z } from "zod";

/** Returns the candidate that `value` most likely misspells, or undefined when none is close. */
export function nearestMatch(value: string, candidates: readonly string[]): string | undefined {
  // A prefix is the likeliest slip: `postgres` for `postgres-mlflow`.
  const extended = candidates.find((candidate) => candidate.startsWith(value) && value.length >= 3);
  if (extended) {
    return extended;
  }
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Returns a schema for a whole number given as a JSON number or as a string of digits, which is how
 * `pulumi config set --path` stores numbers. Rejects "", "0x10", "1e3", booleans and lists.
 */
export function wholeNumber(min: number, max: number) {
  return z
    .union([z.int(), z.string().regex(/^\d+$/).transform(Number)])
    .pipe(z.int().min(min).max(max));
}

/** Returns a schema for a decimal number given as a JSON number or a string such as "1.5". */
export function decimalNumber(min: number, max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number),
    ])
    .pipe(z.number().min(min).max(max));
}

export const hostAddressSchema = z.union([z.ipv4(), z.ipv6()]);

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Checks for a DNS name or IPv4 address. IPv6 is left out because Kafka's advertised listener needs brackets. */
export function isHostName(value: string): boolean {
  return HOST_NAME.test(value) || z.ipv4().safeParse(value).success;
}

// Docker's reference grammar: lowercase repository path with an optional registry host and port,
// then a tag (upper case allowed) and/or a digest.
const REPOSITORY =
  /^([a-z0-9]+([._-][a-z0-9]+)*(:\d+)?\/)?[a-z0-9]+([._-]{1,2}[a-z0-9]+)*(\/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*/;
const REFERENCE = new RegExp(
  `${REPOSITORY.source}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$`,
);

export const imageReferenceSchema = z
  .string()
  .regex(
    REFERENCE,
    "is not a valid image reference (lowercase repository, then :tag or @sha256:digest)",
  )
  .refine(
    (reference) => /@sha256:|:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(reference),
    "has no tag; pin an exact tag",
  )
  .refine((reference) => !/:latest$/.test(reference), "uses the tag latest; pin an exact tag");

export const limitsSchema = z.strictObject(
  {
    memoryMb: wholeNumber(16, 1_048_576).optional(),
    cpus: decimalNumber(0.01, 256).optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? "has an unknown key; valid keys are memoryMb and cpus"
        : undefined,
  },
);

/** Minimum length of a configured secret; the data gateway rejects shorter bearer tokens. */
export const MIN_SECRET_LENGTH = 16;
/** MinIO rejects root passwords longer than this. */
const MAX_MINIO_PASSWORD_LENGTH = 40;

/**
 * Returns the problem with a configured secret, or undefined. Secrets end up in config files and
 * URLs, so they must be printable ASCII without spaces. The message never contains the value.
 */
export function secretProblem(key: string, value: string): string | undefined {
  const fix = `set another value with \`pulumi config set --secret ${key}\`, or remove it to have one generated`;
  if (!/^[\x21-\x7e]*$/.test(value)) {
    return `${key} contains spaces, control characters or non-ASCII characters; ${fix}.`;
  }
  if (value.length < MIN_SECRET_LENGTH) {
    return `${key} is set but shorter than ${MIN_SECRET_LENGTH} characters; ${fix}.`;
  }
  if (key === "minioRootPassword" && value.length > MAX_MINIO_PASSWORD_LENGTH) {
    return `${key} is longer than the ${MAX_MINIO_PASSWORD_LENGTH} characters MinIO accepts; ${fix}.`;
  }
  return undefined;
}

/** Returns `url` with any password replaced by `***`, for error messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
}
