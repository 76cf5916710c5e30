import { randomUUID } from "node:crypto";

import type { Logger } from "pino";

import type {
  ConsumedRecord,
  PartitionOffset,
  RecordConsumer,
} from "../../shared/src/kafka-consumer";
import { retryWithBackoff } from "../../shared/src/retry";
import { BronzeBatch, batchKey, type BatchLimits } from "./bronze-batch";
import { bronzeObjectKey, toBronzeEntry } from "./bronze-record";
import type { BronzeMetrics } from "./metrics";
import type { ObjectStore } from "./object-store";
import { committableOffsets, type PartitionPosition } from "./offsets";

export interface BronzeWriterOptions {
  store: ObjectStore;
  /** Receives offset commits, usually the consumer whose records reach `handle`. */
  committer: Pick<RecordConsumer, "commit">;
  logger: Logger;
  limits: BatchLimits;
  /** Maximum object writes in flight. `handle` waits while it is reached. */
  maxConcurrentUploads: number;
  metrics?: BronzeMetrics;
  /** First segment of every object key. Defaults to `bronze`. */
  prefix?: string;
  /** Backoff between failed writes of one object, in ms. Defaults to 500 ms up to 30 s. */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Stops write retries, for example on shutdown. Unwritten batches stay uncommitted. */
  signal?: AbortSignal;
  /** Clock in ms since the epoch, replaceable by tests. */
  now?: () => number;
  /** Unique part of each file name. Defaults to a random UUID. */
  newId?: () => string;
}

/**
 * Writes consumed records to the bronze layer as gzip NDJSON objects, one batch per Kafka
 * partition, topic, UTC date and hour. After each written object it commits, per partition,
 * the lowest offset that is not yet in a written object, so a crash never skips a record.
 */
export class BronzeWriter {
  private readonly open = new Map<string, BronzeBatch>();
  /** Batches closed for writing whose object is not stored yet. */
  private readonly unwritten = new Set<BronzeBatch>();
  private readonly uploads = new Set<Promise<void>>();
  private readonly positions = new Map<string, PartitionPosition>();
  private readonly committed = new Map<string, bigint>();
  private commitChain: Promise<void> = Promise.resolve();
  private consecutiveUploadFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly prefix: string;

  constructor(private readonly options: BronzeWriterOptions) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.prefix = options.prefix ?? "bronze";
  }

  /** Adds one record. The returned promise, if any, settles when an upload slot is free. */
  readonly handle = (record: ConsumedRecord): Promise<void> | void => {
    const entry = toBronzeEntry(record);
    this.trackPosition(record);

    const key = batchKey(record.topic, record.partition, entry.dt, entry.hour);
    const lineBytes = Buffer.byteLength(entry.line, "utf8");
    let batch = this.open.get(key);
    if (batch?.wouldOverflow(lineBytes, this.options.limits)) {
      this.closeBatch(key, batch);
      batch = undefined;
    }
    if (!batch) {
      batch = new BronzeBatch(record.topic, record.partition, entry.dt, entry.hour, this.now());
      this.open.set(key, batch);
    }

    batch.add(entry.line, lineBytes, record.offset);
    this.options.metrics?.bufferedRecords.inc();
    if (batch.isFull(this.options.limits)) {
      this.closeBatch(key, batch);
    }

    if (this.uploads.size >= this.options.maxConcurrentUploads) {
      return this.waitForUploadSlot();
    }
    return undefined;
  };

  /** Checks for batches older than `limits.maxAgeMs` every `intervalMs`. */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => this.flushExpired(), intervalMs);
  }

  /** Starts writing every batch older than `limits.maxAgeMs`. */
  flushExpired(): void {
    const now = this.now();
    for (const [key, batch] of this.open) {
      if (batch.isExpired(now, this.options.limits)) {
        this.closeBatch(key, batch);
      }
    }
  }

  /**
   * Writes every open batch, waits for all writes, then commits. Throws when a batch could not
   * be written, after committing the offsets before it.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;

    for (const [key, batch] of this.open) {
      this.closeBatch(key, batch);
    }
    await Promise.all(this.uploads);
    await this.commitWritten();

    if (this.unwritten.size > 0) {
      throw new Error(
        `${this.unwritten.size} bronze batch(es) could not be written; their offsets stay ` +
          "uncommitted, so the consumer group reads them again after a restart",
      );
    }
  }

  /** Commits every offset whose records are all in written objects. Commits run one at a time. */
  commitWritten(): Promise<void> {
    const next = this.commitChain.then(() => this.commitOnce());
    this.commitChain = next.catch(() => undefined);
    return next;
  }

  /** False while the last write attempt failed. */
  isHealthy(): boolean {
    return this.consecutiveUploadFailures === 0;
  }

  /** Records consumed but not yet in a written object. */
  get pendingRecords(): number {
    let count = 0;
    for (const batch of [...this.open.values(), ...this.unwritten]) {
      count += batch.recordCount;
    }
    return count;
  }

  /** Object writes started and not yet finished. */
  get uploadsInFlight(): number {
    return this.uploads.size;
  }

  private trackPosition(record: ConsumedRecord): void {
    const key = `${record.topic}:${record.partition}`;
    const position = this.positions.get(key);
    if (position) {
      position.nextOffset = record.offset + 1n;
    } else {
      this.positions.set(key, {
        topic: record.topic,
        partition: record.partition,
        startOffset: record.offset,
        nextOffset: record.offset + 1n,
      });
    }
  }

  private closeBatch(key: string, batch: BronzeBatch): void {
    this.open.delete(key);
    this.unwritten.add(batch);
    this.options.metrics?.recordsConsumed.inc({ topic: batch.topic }, batch.recordCount);

    const upload = this.upload(batch).finally(() => this.uploads.delete(upload));
    this.uploads.add(upload);
  }

  private async waitForUploadSlot(): Promise<void> {
    while (this.uploads.size >= this.options.maxConcurrentUploads) {
      await Promise.race(this.uploads);
    }
  }

  /** Compresses and writes one batch, retrying until done or `signal` aborts. Logs, not throws. */
  private async upload(batch: BronzeBatch): Promise<void> {
    const startedAt = this.now();
    const key = bronzeObjectKey({
      prefix: this.prefix,
      topic: batch.topic,
      dt: batch.dt,
      hour: batch.hour,
      partition: batch.partition,
      firstOffset: batch.firstOffset,
      lastOffset: batch.lastOffset,
      uniqueId: this.newId(),
    });

    let bodyBytes: number;
    try {
      const body = await batch.compress();
      bodyBytes = body.length;
      await retryWithBackoff(() => this.putOnce(key, body, batch.topic), {
        name: `write bronze object ${key}`,
        logger: this.options.logger,
        initialDelayMs: this.options.retryInitialDelayMs,
        maxDelayMs: this.options.retryMaxDelayMs,
        signal: this.options.signal,
      });
    } catch (error) {
      this.options.logger.error(
        { err: error, key, records: batch.recordCount },
        "bronze object not written; its offsets stay uncommitted",
      );
      return;
    }

    this.unwritten.delete(batch);
    this.recordWritten(batch, key, bodyBytes, startedAt);
    this.commitWritten().catch(() => undefined);
  }

  private async putOnce(key: string, body: Buffer, topic: string): Promise<void> {
    try {
      await this.options.store.putObject(key, body);
      this.consecutiveUploadFailures = 0;
    } catch (error) {
      this.consecutiveUploadFailures++;
      this.options.metrics?.uploadFailures.inc({ topic });
      throw error;
    }
  }

  private recordWritten(batch: BronzeBatch, key: string, bytes: number, startedAt: number): void {
    const metrics = this.options.metrics;
    metrics?.recordsWritten.inc({ topic: batch.topic }, batch.recordCount);
    metrics?.objectsWritten.inc({ topic: batch.topic });
    metrics?.bytesWritten.inc({ topic: batch.topic }, bytes);
    metrics?.bufferedRecords.dec(batch.recordCount);
    metrics?.uploadSeconds.observe((this.now() - startedAt) / 1000);
    this.options.logger.info(
      { key, records: batch.recordCount, bytes, uncompressedBytes: batch.bytes },
      "bronze object written",
    );
  }

  private async commitOnce(): Promise<void> {
    const unwritten = [...this.open.values(), ...this.unwritten];
    const offsets = committableOffsets(this.positions.values(), unwritten, this.committed);
    if (offsets.length === 0) {
      return;
    }

    try {
      await this.options.committer.commit(offsets);
    } catch (error) {
      this.options.metrics?.commitFailures.inc();
      this.options.logger.warn(
        { err: error, offsets: describeOffsets(offsets) },
        "offset commit failed; the next commit covers these offsets",
      );
      throw error;
    }

    for (const { topic, partition, offset } of offsets) {
      this.committed.set(`${topic}:${partition}`, offset);
    }
    this.options.logger.debug({ offsets: describeOffsets(offsets) }, "offsets committed");
  }
}

function describeOffsets(offsets: PartitionOffset[]): string[] {
  return offsets.map(({ topic, partition, offset }) => `${topic}:${partition}@${offset}`);
}
