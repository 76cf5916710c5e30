import type { Logger } from "pino";

export type ShutdownStep = () => Promise<void> | void;

export interface ShutdownOptions {
  logger: Logger;
  /**
   * Time allowed for all steps together, in ms. Defaults to 8 s, which leaves a margin below
   * Docker's default stop timeout of 10 s before SIGKILL.
   */
  timeoutMs?: number;
  /** Ends the process; tests pass a recorder. Defaults to `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * Runs registered close steps once, in registration order, on SIGTERM or SIGINT or when
 * `shutdown` is called. A failing step is logged and the next one still runs. The process exits
 * with 0 when every step succeeded, 1 otherwise, and 1 when the steps exceed the timeout.
 */
export class ShutdownCoordinator {
  private readonly steps: { name: string; step: ShutdownStep }[] = [];
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly exit: (code: number) => void;

  constructor(options: ShutdownOptions) {
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 8_000;
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Aborted when shutdown begins, so retry loops and waits stop early. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Adds a close step, run after the steps registered before it. */
  register(name: string, step: ShutdownStep): void {
    this.steps.push({ name, step });
  }

  /** Calls `shutdown` on SIGTERM and SIGINT. */
  installSignalHandlers(): void {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => void this.shutdown(signal));
    }
  }

  /** Runs the steps and exits. Later calls return the first call's promise. */
  shutdown(reason: string): Promise<void> {
    this.running ??= this.runSteps(reason);
    return this.running;
  }

  private async runSteps(reason: string): Promise<void> {
    this.logger.info({ reason }, "shutting down");
    this.controller.abort(new Error(`shutting down (${reason})`));

    const timer = setTimeout(() => {
      this.logger.error({ timeoutMs: this.timeoutMs }, "shutdown timed out, exiting");
      this.exit(1);
    }, this.timeoutMs);
    timer.unref();

    let failed = false;
    for (const { name, step } of this.steps) {
      try {
        await step();
        this.logger.info({ step: name }, "shutdown step finished");
      } catch (error) {
        failed = true;
        this.logger.error({ err: error, step: name }, "shutdown step failed");
      }
    }

    clearTimeout(timer);
    this.logger.info({ failed }, "shutdown finished");
    this.exit(failed ? 1 : 0);
  }
}
