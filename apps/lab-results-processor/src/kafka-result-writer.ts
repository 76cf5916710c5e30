import type { Logger } from "pino";

import type { RecordProducer } from "../../shared/src/kafka";
import type { ProcessedLabResult } from "../../shared/src/records";
import { describeError, retryWithBackoff } from "../../shared/src/retry";
import { classifyKafkaSendError } from "./kafka-send-errors";
import type { ProcessorMetrics } from "./metrics";

export interface KafkaResultWriterOptions {
  producer: RecordProducer;
  /** Kafka topic of processed lab results. */
  topic: string;
  logger: Logger;
  metrics?: ProcessorMetrics;
  /** Backoff between failed writes of one result, in ms. Defaults to 500 ms up to 30 s. */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Attempts for errors that are neither unavailability nor a rejection. Defaults to 10. */
  maxKafkaAttempts?: number;
  /** Stops the retries, for example on shutdown. */
  signal: AbortSignal;
}

/** Result of `KafkaResultWriter.write`. */
export type WriteOutcome =
  | { status: "written" }
  | { status: "stopped" }
  | { status: "failed"; reason: string };

/** Writes processed lab results to Kafka with retries, and tracks whether Kafka is healthy. */
export class KafkaResultWriter {
  private failing = false;

  constructor(private readonly options: KafkaResultWriterOptions) {}

  /** False while writes fail for reasons other than a rejected record. */
  isHealthy(): boolean {
    return !this.failing;
  }

  /**
   * Writes one result, keyed by patient id. Broker unavailability is retried until the signal
   * aborts (`stopped`), a rejected record is not retried (`failed`), and other errors are
   * retried up to `maxKafkaAttempts` times (`failed` after the last).
   */
  async write(result: ProcessedLabResult): Promise<WriteOutcome> {
    const { options } = this;
    const maxOtherAttempts = options.maxKafkaAttempts ?? 10;
    let otherFailures = 0;
    const isRetryable = (error: unknown) => {
      const failure = classifyKafkaSendError(error);
      if (failure === "other") {
        otherFailures++;
      }
      return failure === "unavailable" || (failure === "other" && otherFailures < maxOtherAttempts);
    };

    try {
      await retryWithBackoff(() => this.send(result), {
        name: `write lab result ${result.recordId} to Kafka`,
        logger: options.logger,
        initialDelayMs: options.retryInitialDelayMs,
        maxDelayMs: options.retryMaxDelayMs,
        signal: options.signal,
        isRetryable,
      });
      return { status: "written" };
    } catch (error) {
      if (options.signal.aborted) {
        options.logger.warn(
          { err: error, recordId: result.recordId },
          "lab result not written to Kafka before shutdown; the broker redelivers it",
        );
        return { status: "stopped" };
      }
      const reason = `Kafka did not accept the result: ${describeError(error)}`;
      return { status: "failed", reason };
    }
  }

  private async send(result: ProcessedLabResult): Promise<void> {
    try {
      await this.options.producer.send(this.options.topic, [
        { key: result.patientId, value: JSON.stringify(result) },
      ]);
      this.failing = false;
    } catch (error) {
      // A rejected record is a problem of the record, not a sign that Kafka is down.
      this.failing ||= classifyKafkaSendError(error) !== "rejected";
      this.options.metrics?.kafkaSendFailures.inc();
      throw error;
    }
  }
}
