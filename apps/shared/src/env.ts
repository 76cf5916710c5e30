import { z } from "zod";

/**
 * Metadata on an environment variable's schema, set with `.meta(...)`. `parseEnv` prints the
 * example in its error and never prints the received value of a secret.
 */
export interface EnvVarMeta {
  /** A valid value shown in error messages, for example `kafka:29092`. */
  example?: string;
  /** True for passwords, tokens and URLs that contain credentials. */
  secret?: boolean;
}

/** One missing or invalid environment variable. */
export interface EnvProblem {
  variable: string;
  message: string;
}

/** Thrown by `parseEnv` with every problem found, so one restart can fix them all. */
export class EnvConfigError extends Error {
  readonly problems: readonly EnvProblem[];

  constructor(problems: readonly EnvProblem[]) {
    const lines = problems.map((problem) => `  - ${problem.message}`);
    super(
      `Invalid environment configuration (${problems.length} problem(s)):\n${lines.join("\n")}\n` +
        "Set these variables and restart.",
    );
    this.name = "EnvConfigError";
    this.problems = problems;
  }
}

type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses environment variables with a zod object schema. Empty strings count as unset, so a
 * default applies to `FOO=`. Throws an `EnvConfigError` that lists every missing or invalid
 * variable by name, with the reason and an example; values of secret variables are never shown.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: EnvSource = process.env,
): z.output<z.ZodObject<Shape>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") {
      input[key] = value;
    }
  }

  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }

  const problems = result.error.issues.map((issue) => describeIssue(schema, issue, input));
  throw new EnvConfigError(problems);
}

function describeIssue(
  schema: z.ZodObject<z.ZodRawShape>,
  issue: z.core.$ZodIssue,
  input: Record<string, string>,
): EnvProblem {
  const variable = String(issue.path[0] ?? "(unknown)");
  const field = schema.shape[variable];
  const meta = ((field && z.globalRegistry.get(field)) ?? {}) as EnvVarMeta;
  const received = input[variable];

  let message: string;
  if (received === undefined) {
    message = `${variable} is missing`;
  } else if (meta.secret) {
    message = `${variable} is invalid (value hidden because it is secret): ${issue.message}`;
  } else {
    const redacted = JSON.stringify(redactUserinfo(received));
    message = `${variable} is invalid (got ${redacted}): ${issue.message}`;
  }

  if (meta.example !== undefined) {
    message += `. Example: ${variable}=${meta.example}`;
  }
  return { variable, message };
}

/**
 * Replaces the user name and password of every URL in `value` with `***`, for example
 * `http://key:secret@minio:9000` with `http://***@minio:9000`. It works on text, not on a parsed
 * URL, because an invalid value may not parse.
 */
export function redactUserinfo(value: string): string {
  return value.replace(/\/\/[^/?#@\s]*@/g, "//***@");
}

// Numbers are written in plain decimal. Number() and z.coerce would also take `0x1000`, `1e-9`
// and `Infinity`, which are almost always typing mistakes in a configuration value.
const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?\d+(?:\.\d+)?$/;

function decimalString(pattern: RegExp, expected: string) {
  return z.string().trim().regex(pattern, `expected ${expected}`).transform(Number);
}

/** Returns the schema of a TCP port number, 1 to 65535, with a default. */
export function portVar(defaultPort: number) {
  return decimalString(DECIMAL_INTEGER, `a port number in decimal digits, such as ${defaultPort}`)
    .pipe(z.number().int().min(1).max(65535))
    .default(defaultPort)
    .meta({ example: String(defaultPort) });
}

/** Returns the schema of an integer within `[min, max]` in decimal digits, with a default. */
export function intVar(options: { min: number; max: number; default: number }) {
  const expected = `a whole number in decimal digits, such as ${options.default}`;
  return decimalString(DECIMAL_INTEGER, expected)
    .pipe(z.number().int().min(options.min).max(options.max))
    .default(options.default)
    .meta({ example: String(options.default) });
}

/**
 * Returns the schema of a number within `[min, max]`, written as decimal digits with an optional
 * fraction (`0.05`, not `5e-2`), with a default. `exclusiveMin` excludes `min` itself.
 */
export function decimalVar(options: {
  min: number;
  max: number;
  default: number;
  exclusiveMin?: boolean;
}) {
  const bounded = options.exclusiveMin
    ? z.number().gt(options.min).max(options.max)
    : z.number().min(options.min).max(options.max);
  return decimalString(DECIMAL_NUMBER, `a decimal number such as ${options.default}`)
    .pipe(bounded)
    .default(options.default)
    .meta({ example: String(options.default) });
}

/**
 * Returns the schema of a bearer token: at least 16 characters and no whitespace, because the
 * `Authorization: Bearer <token>` header cannot carry a token with whitespace.
 */
export function bearerTokenVar(example: string) {
  return z
    .string()
    .min(16, "expected at least 16 characters")
    .regex(/^\S+$/, "expected no whitespace, because a bearer token cannot contain it")
    .meta({ example, secret: true });
}

/**
 * Returns the schema of an http:// or https:// base URL without credentials. Credentials in the
 * URL would end up in logs, so each service takes them from their own variables.
 */
export function httpUrlVar(example: string) {
  return (
    z
      .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
      // The refinement runs even after the format check failed, so it must not throw.
      .refine((value) => !URL.canParse(value) || !hasUserinfo(new URL(value)), {
        message: "expected a URL without user name and password",
      })
      .meta({ example })
  );
}

/**
 * Returns the schema of a comma-separated list with at least one entry. Entries are trimmed and
 * empty entries are dropped.
 */
export function commaListVar(example: string) {
  return z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
    )
    .pipe(z.array(z.string()).min(1, "expected at least one comma-separated entry"))
    .meta({ example });
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Variables every workload reads. `HEALTH_PORT` is the port of the shared health server. */
export const commonEnvShape = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info").meta({ example: "info" }),
  HEALTH_PORT: portVar(9464),
};

function hasUserinfo(url: URL): boolean {
  return url.username !== "" || url.password !== "";
}
