/**
 * Terminal output: colours only on a TTY and never when `NO_COLOR` is set to a non-empty value.
 */

/** A writable stream as the CLI uses it; `isTTY` is set by Node on terminal streams. */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

const ANSI = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

export type ColorName = keyof typeof ANSI;

/** Colours that tell services apart in `--logs`, in the order they are assigned. */
export const SERVICE_COLORS: readonly ColorName[] = ["cyan", "magenta", "yellow", "green", "blue"];

export interface Style {
  readonly enabled: boolean;
  paint(color: ColorName, text: string): string;
}

/** Returns whether colours are used on `stream`, following the NO_COLOR convention. */
export function colorsEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") {
    return false;
  }
  return stream.isTTY === true;
}

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    paint(color, text) {
      if (!enabled) {
        return text;
      }
      const [open, close] = ANSI[color];
      return `\u001b[${open}m${text}\u001b[${close}m`;
    },
  };
}

/** Line-oriented printer over stdout and stderr, each with its own colour decision. */
export class Printer {
  readonly out: Style;
  readonly err: Style;

  constructor(
    private readonly stdout: OutputStream,
    private readonly stderr: OutputStream,
    env: NodeJS.ProcessEnv,
  ) {
    this.out = createStyle(colorsEnabled(stdout, env));
    this.err = createStyle(colorsEnabled(stderr, env));
  }

  /** Writes one line to stdout. */
  line(text = ""): void {
    this.stdout.write(`${text}\n`);
  }

  /** Writes one line to stderr, for progress, notices and errors. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.err.paint("yellow", "Warning:")} ${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${this.err.paint("red", "Error:")} ${text}\n`);
  }
}

/** Removes the password from a URL before it is printed; the user name stays. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") {
      return url;
    }
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}
