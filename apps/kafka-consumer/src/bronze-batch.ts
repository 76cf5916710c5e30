import { once } from "node:events";
import { createGzip, type Gzip } from "node:zlib";

/** Flush thresholds of a batch. A batch is flushed when the first one is reached. */
export interface BatchLimits {
  /** Maximum records in one object. */
  maxRecords: number;
  /** Maximum uncompressed NDJSON bytes in one object. */
  maxBytes: number;
  /** Maximum time in ms between a batch's first record and its flush. */
  maxAgeMs: number;
}

// Lines go to zlib in chunks of about this many bytes. That is large enough to keep the
// per-write overhead low, and small enough that an open batch keeps little uncompressed text.
const CHUNK_BYTES = 64 * 1024;

/**
 * Lines of one Kafka partition that share a topic, date and hour, in offset order, and so
 * belong in one bronze object. Lines are gzip-compressed as they arrive, so an open batch
 * keeps compressed bytes in memory rather than its whole text.
 */
export class BronzeBatch {
  recordCount = 0;
  /** Uncompressed size of the NDJSON body, newlines included. */
  bytes = 0;
  firstOffset = -1n;
  lastOffset = -1n;

  private readonly gzip: Gzip = createGzip();
  private readonly compressed: Buffer[] = [];
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dt: string,
    readonly hour: string,
    /** Milliseconds since the epoch when the first record arrived. */
    readonly createdAt: number,
  ) {
    this.gzip.on("data", (chunk: Buffer) => this.compressed.push(chunk));
  }

  /** Appends a line of `lineBytes` UTF-8 bytes. Offsets must increase from call to call. */
  add(line: string, lineBytes: number, offset: bigint): void {
    if (this.firstOffset < 0n) {
      this.firstOffset = offset;
    }
    this.lastOffset = offset;
    this.recordCount++;
    this.bytes += lineBytes + 1;

    this.pending.push(line);
    this.pendingBytes += lineBytes + 1;
    if (this.pendingBytes >= CHUNK_BYTES) {
      this.writePending();
    }
  }

  /**
   * Returns true when adding a line of `lineBytes` would push the batch over `maxBytes`. An
   * empty batch accepts any line, so a single oversized record still gets an object of its own.
   */
  wouldOverflow(lineBytes: number, limits: BatchLimits): boolean {
    return this.recordCount > 0 && this.bytes + lineBytes + 1 > limits.maxBytes;
  }

  isFull(limits: BatchLimits): boolean {
    return this.recordCount >= limits.maxRecords || this.bytes >= limits.maxBytes;
  }

  isExpired(now: number, limits: BatchLimits): boolean {
    return now - this.createdAt >= limits.maxAgeMs;
  }

  /**
   * Finishes compression and returns the gzip body: one line per record, each ending in a
   * newline. Call it once, after the last `add`.
   */
  async compress(): Promise<Buffer> {
    this.writePending();
    const ended = once(this.gzip, "end");
    this.gzip.end();
    await ended;
    return Buffer.concat(this.compressed);
  }

  private writePending(): void {
    if (this.pending.length === 0) {
      return;
    }
    this.gzip.write(this.pending.join("\n") + "\n");
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Returns the key that groups records into one batch. */
export function batchKey(topic: string, partition: number, dt: string, hour: string): string {
  return `${topic}\u0000${partition}\u0000${dt}\u0000${hour}`;
}
