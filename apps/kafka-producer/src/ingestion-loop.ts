import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import type { DependencyHealth } from "../../shared/src/health-server";
import type { KafkaRecord, RecordProducer } from "../../shared/src/kafka";
import type { LabResult } from "../../shared/src/records";
import { retryWithBackoff, sleep } from "../../shared/src/retry";
import { GatewayRequestError, type LabResultSink } from "./gateway-client";
import type { ClinicalDataGenerator } from "./generator";
import type { TokenBucket } from "./rate-limiter";

export interface IngestionMetrics {
  generated: Counter<"destination">;
  delivered: Counter<"destination">;
  dropped: Counter<"destination">;
}

export function createIngestionMetrics(registry: Registry): IngestionMetrics {
  return {
    generated: new Counter({
      name: "producer_records_generated_total",
      help: "Records generated, by destination (a Kafka topic or gateway).",
      labelNames: ["destination"],
      registers: [registry],
    }),
    delivered: new Counter({
      name: "producer_records_delivered_total",
      help: "Records accepted by Kafka or the data gateway, by destination.",
      labelNames: ["destination"],
      registers: [registry],
    }),
    dropped: new Counter({
      name: "producer_records_dropped_total",
      help: "Records given up on after a non-retryable error or at shutdown, by destination.",
      labelNames: ["destination"],
      registers: [registry],
    }),
  };
}

export interface IngestionLoopOptions {
  generator: ClinicalDataGenerator;
  kafka: RecordProducer;
  gateway: LabResultSink;
  limiter: TokenBucket;
  logger: Logger;
  health: DependencyHealth;
  metrics: IngestionMetrics;
  /** Lab results per gateway request. */
  labBatchSize: number;
  /** Maximum time, in ms, that a lab result waits for its batch to fill. Defaults to 1 s. */
  labFlushIntervalMs?: number;
  /** Maximum records generated in one step. Defaults to 1000. */
  maxRecordsPerStep?: number;
  /** Backoff of retried deliveries, in ms. Defaults to 500 ms up to 10 s. */
  retryDelayMs?: { initial: number; max: number };
  /** Current time in ms, for the lab flush interval. Defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Generates records at the token bucket's rate and delivers them: vitals, medications and adverse
 * events to their Kafka topics, lab results in batches to the data gateway. A step waits until
 * its deliveries succeeded, retrying with backoff, so a slow or absent dependency slows
 * generation instead of piling records up in memory.
 */
export class IngestionLoop {
  private pendingLabResults: LabResult[] = [];
  private oldestPendingAt = 0;

  constructor(private readonly options: IngestionLoopOptions) {}

  /** Runs steps until `signal` aborts, then submits the lab results still pending. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const generated = await this.step(signal);
        if (generated === 0) {
          await sleep(Math.max(5, this.options.limiter.msUntilNextToken()), signal);
        } else {
          // Lets timers and I/O run between steps even when every delivery resolves at once.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        if (!signal.aborted) {
          throw error;
        }
      }
    }
    await this.flushLabResults(2);
  }

  /** Generates up to the available tokens, delivers them, and returns how many it generated. */
  async step(signal?: AbortSignal): Promise<number> {
    const count = this.options.limiter.take(this.options.maxRecordsPerStep ?? 1000);
    const byTopic = new Map<string, KafkaRecord[]>();
    for (let i = 0; i < count; i++) {
      const generated = this.options.generator.next();
      if (generated.destination === "gateway") {
        this.addLabResult(generated.record);
        continue;
      }
      const records = byTopic.get(generated.topic) ?? [];
      records.push({ key: generated.key, value: JSON.stringify(generated.record) });
      byTopic.set(generated.topic, records);
    }

    for (const [topic, records] of byTopic) {
      this.options.metrics.generated.inc({ destination: topic }, records.length);
    }
    const sends = [...byTopic].map(([topic, records]) => this.sendToKafka(topic, records, signal));
    await Promise.all(sends);

    const batchSize = this.options.labBatchSize;
    const flushIntervalMs = this.options.labFlushIntervalMs ?? 1000;
    const flushDue = this.now() - this.oldestPendingAt >= flushIntervalMs;
    while (
      this.pendingLabResults.length >= batchSize ||
      (this.pendingLabResults.length > 0 && flushDue)
    ) {
      await this.submitLabBatch(this.pendingLabResults.splice(0, batchSize), signal);
    }
    return count;
  }

  /**
   * Submits every pending lab result, trying each batch at most `maxAttempts` times. A batch
   * that still fails is logged and counted as dropped, and the next batch is tried.
   */
  async flushLabResults(maxAttempts: number): Promise<void> {
    while (this.pendingLabResults.length > 0) {
      const batch = this.pendingLabResults.splice(0, this.options.labBatchSize);
      await this.submitLabBatch(batch, undefined, maxAttempts).catch(() => undefined);
    }
  }

  private addLabResult(result: LabResult): void {
    if (this.pendingLabResults.length === 0) {
      this.oldestPendingAt = this.now();
    }
    this.pendingLabResults.push(result);
    this.options.metrics.generated.inc({ destination: "gateway" });
  }

  private async sendToKafka(topic: string, records: KafkaRecord[], signal?: AbortSignal) {
    const { kafka, health, logger, metrics } = this.options;
    try {
      await retryWithBackoff(
        async () => {
          try {
            await kafka.send(topic, records);
            health.set("kafka", true);
          } catch (error) {
            health.set("kafka", false);
            throw error;
          }
        },
        { name: `send ${records.length} records to ${topic}`, logger, signal, ...this.backoff() },
      );
      metrics.delivered.inc({ destination: topic }, records.length);
    } catch (error) {
      metrics.dropped.inc({ destination: topic }, records.length);
      throw error;
    }
  }

  private async submitLabBatch(batch: LabResult[], signal?: AbortSignal, maxAttempts?: number) {
    const { gateway, health, logger, metrics } = this.options;
    try {
      await retryWithBackoff(
        async () => {
          try {
            await gateway.submitBatch(batch);
            health.set("gateway", true);
          } catch (error) {
            const retryable = !(error instanceof GatewayRequestError) || error.retryable;
            health.set("gateway", !retryable);
            throw error;
          }
        },
        {
          name: `submit ${batch.length} lab results to the data gateway`,
          logger,
          signal,
          maxAttempts,
          isRetryable: (error) => !(error instanceof GatewayRequestError) || error.retryable,
          ...this.backoff(),
        },
      );
      metrics.delivered.inc({ destination: "gateway" }, batch.length);
    } catch (error) {
      // retryWithBackoff has logged the error. A rejected batch is dropped, so one bad batch
      // cannot stop the stream. The only other way here is an abort at shutdown.
      metrics.dropped.inc({ destination: "gateway" }, batch.length);
      if (!(error instanceof GatewayRequestError) || error.retryable) {
        throw error;
      }
    }
  }

  private backoff() {
    const delay = this.options.retryDelayMs ?? { initial: 500, max: 10_000 };
    return { initialDelayMs: delay.initial, maxDelayMs: delay.max };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
