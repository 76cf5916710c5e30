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
    message = `${variable} is invalid (got ${JSON.stringify(received)}): ${issue.message}`;
  }

  if (meta.example !== undefined) {
    message += `. Example: ${variable}=${meta.example}`;
  }
  return { variable, message };
}

/** Returns the schema of a TCP port number, 1 to 65535, with a default. */
export function portVar(defaultPort: number) {
  return z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(defaultPort)
    .meta({ example: String(defaultPort) });
}

/** Returns the schema of an integer within `[min, max]`, with a default. */
export function intVar(options: { min: number; max: number; default: number }) {
  return z.coerce
    .number()
    .int()
    .min(options.min)
    .max(options.max)
    .default(options.default)
    .meta({ example: String(options.default) });
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
