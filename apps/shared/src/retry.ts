import type { Logger } from "pino";

export interface RetryOptions {
  /** Name of the operation in logs, for example `connect to Kafka`. */
  name: string;
  logger: Logger;
  /** Delay before the second attempt, in ms. Defaults to 500 ms. */
  initialDelayMs?: number;
  /** Upper bound of any delay, in ms. Defaults to 30 s. */
  maxDelayMs?: number;
  /** Attempts before the last error is thrown. Defaults to unlimited. */
  maxAttempts?: number;
  /** Stops waiting and throws the abort reason when aborted, for example on shutdown. */
  signal?: AbortSignal;
  /** Returns true when an error is worth another attempt. Defaults to every error. */
  isRetryable?: (error: unknown) => boolean;
  /** Source of randomness in [0, 1) for the jitter; tests pass a fixed one. */
  random?: () => number;
}

/**
 * Returns the delay before retry number `attempt` (1 for the first retry): exponential from
 * `initialDelayMs`, capped at `maxDelayMs`, with "equal jitter" so the delay is between half
 * and all of the exponential value and concurrent clients do not retry in step.
 */
export function computeBackoffDelay(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: number,
): number {
  const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (random * exponential) / 2);
}

/**
 * Runs `operation` until it resolves, waiting with exponential backoff and jitter between
 * attempts and logging each failure with the error and attempt number. Throws the last error
 * when `maxAttempts` is reached or `isRetryable` returns false, and the abort reason when
 * `signal` aborts.
 */
export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const random = options.random ?? Math.random;

  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      const retryable = options.isRetryable?.(error) ?? true;
      if (!retryable || attempt >= maxAttempts || options.signal?.aborted) {
        options.logger.error(
          { err: error, attempt, operation: options.name },
          `${options.name} failed after ${attempt} attempt(s), giving up`,
        );
        throw error;
      }

      const delayMs = computeBackoffDelay(attempt, initialDelayMs, maxDelayMs, random());
      options.logger.warn(
        { error: describeError(error), attempt, delayMs, operation: options.name },
        `${options.name} failed, retrying in ${delayMs} ms`,
      );
      await sleep(delayMs, options.signal);
    }
  }
}

/**
 * Returns an error's message followed by the distinct messages of its causes and aggregated
 * errors, for example `metadata failed 6 times: Cannot connect to any broker: connect
 * ECONNREFUSED 127.0.0.1:9092`. Retry warnings log this line instead of whole stacks, which
 * for Kafka client errors run to several kilobytes per attempt.
 */
export function describeError(error: unknown): string {
  const messages: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 4) {
      return;
    }
    if (!(value instanceof Error)) {
      messages.push(String(value));
      return;
    }
    messages.push(value.message.replace(/\.$/, ""));
    if (value instanceof AggregateError) {
      value.errors.forEach((inner) => visit(inner, depth + 1));
    }
    if (value.cause !== undefined) {
      visit(value.cause, depth + 1);
    }
  };
  visit(error, 0);
  return [...new Set(messages.filter((message) => message !== ""))].join(": ");
}

/** Waits `ms` milliseconds; rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
