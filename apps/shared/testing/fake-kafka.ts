import { EventEmitter } from "node:events";

import type { KafkaRecord, RecordProducer } from "../src/kafka";
import type {
  ConsumedRecord,
  PartitionOffset,
  RecordConsumer,
  RecordHandler,
} from "../src/kafka-consumer";

/** A record as the fake broker stores it in a partition log. */
export interface StoredRecord {
  key: Buffer | undefined;
  value: Buffer;
  /** Milliseconds since the Unix epoch. */
  timestamp: bigint;
}

/** Input accepted by `FakeKafka.append` and the fake producer. Strings are stored as UTF-8. */
export interface RecordInput {
  key?: string | Buffer | null;
  value: string | Buffer;
  /** Target partition. Defaults to a hash of the key, or round robin without a key. */
  partition?: number;
  /** Milliseconds since the Unix epoch. Defaults to the fake's clock. */
  timestamp?: bigint;
}

/**
 * In-process stand-in for a Kafka cluster: topics with partition logs, and one committed
 * offset per consumer group and partition. Each consumer owns every partition of its
 * topics, so there is no rebalancing. Keys map to partitions by FNV-1a, not by Kafka's
 * murmur2, so tests must not rely on a key landing in a particular partition.
 */
export class FakeKafka {
  private readonly logs = new Map<string, StoredRecord[][]>();
  private readonly committedOffsets = new Map<string, Map<string, bigint>>();
  private readonly appended = new EventEmitter();
  private roundRobin = 0;

  /** Clock for record timestamps, replaceable by tests. */
  now: () => number = Date.now;

  constructor(topics: Record<string, number> = {}) {
    this.appended.setMaxListeners(0);
    for (const [topic, partitions] of Object.entries(topics)) {
      this.createTopic(topic, partitions);
    }
  }

  createTopic(topic: string, partitions: number): void {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new Error(`invalid partition count ${partitions} for topic ${topic}; use 1 or more`);
    }
    if (!this.logs.has(topic)) {
      this.logs.set(
        topic,
        Array.from({ length: partitions }, () => []),
      );
    }
  }

  /** Appends one record and returns where it was stored. */
  append(topic: string, input: RecordInput): PartitionOffset {
    const partitions = this.partitionsOf(topic);
    const key = toBuffer(input.key);
    const partition = input.partition ?? this.choosePartition(key, partitions.length);
    if (partition < 0 || partition >= partitions.length) {
      throw new Error(`partition ${partition} does not exist in topic ${topic}`);
    }

    const log = partitions[partition];
    log.push({
      key,
      value: toBuffer(input.value) ?? Buffer.alloc(0),
      timestamp: input.timestamp ?? BigInt(this.now()),
    });
    this.appended.emit("append");
    return { topic, partition, offset: BigInt(log.length - 1) };
  }

  /** Returns the log of one partition, or of every partition in partition order. */
  records(topic: string, partition?: number): StoredRecord[] {
    const partitions = this.partitionsOf(topic);
    return partition === undefined ? partitions.flat() : [...partitions[partition]];
  }

  /** Returns the parsed JSON values in a topic, in partition order. */
  values<T = unknown>(topic: string): T[] {
    return this.records(topic).map((record) => JSON.parse(record.value.toString("utf8")) as T);
  }

  partitionCount(topic: string): number {
    return this.partitionsOf(topic).length;
  }

  /** Returns the record at an offset, or undefined at or past the end of the log. */
  recordAt(topic: string, partition: number, offset: number): StoredRecord | undefined {
    return this.partitionsOf(topic)[partition]?.[offset];
  }

  /** Returns the committed offsets of a group, keyed by `topic:partition`. */
  committed(groupId: string): Map<string, bigint> {
    return new Map(this.committedOffsets.get(groupId));
  }

  /** Stores commits for a group. Used by the fake consumer. */
  commitOffsets(groupId: string, offsets: PartitionOffset[]): void {
    let group = this.committedOffsets.get(groupId);
    if (!group) {
      group = new Map();
      this.committedOffsets.set(groupId, group);
    }
    for (const { topic, partition, offset } of offsets) {
      group.set(`${topic}:${partition}`, offset);
    }
  }

  /** Registers a listener for appends and returns a function that removes it. */
  onAppend(listener: () => void): () => void {
    this.appended.on("append", listener);
    return () => this.appended.off("append", listener);
  }

  consumer(groupId: string, topics: string[]): FakeRecordConsumer {
    return new FakeRecordConsumer(this, groupId, topics);
  }

  producer(): FakeRecordProducer {
    return new FakeRecordProducer(this);
  }

  private partitionsOf(topic: string): StoredRecord[][] {
    const partitions = this.logs.get(topic);
    if (!partitions) {
      throw new Error(`topic ${topic} does not exist in the fake Kafka; create it first`);
    }
    return partitions;
  }

  private choosePartition(key: Buffer | undefined, count: number): number {
    if (!key) {
      this.roundRobin = (this.roundRobin + 1) % count;
      return this.roundRobin;
    }
    return fnv1a(key) % count;
  }
}

/** Runs before a send is stored, so a test can delay or fail it. */
export type SendHook = (topic: string, records: readonly KafkaRecord[]) => Promise<void> | void;

/**
 * RecordProducer over a FakeKafka. A send stores all its records or, when `beforeSend`
 * throws, none. Headers are not stored.
 */
export class FakeRecordProducer implements RecordProducer {
  /** Runs before every send. Throwing from it fails the send. */
  beforeSend: SendHook | undefined;
  /** Number of `send` calls, failed ones included. */
  sendCalls = 0;
  private closed = false;

  constructor(private readonly kafka: FakeKafka) {}

  async send(topic: string, records: readonly KafkaRecord[]): Promise<void> {
    this.sendCalls++;
    if (this.closed) {
      throw new Error("fake producer is closed; it cannot send");
    }
    await this.beforeSend?.(topic, records);
    for (const record of records) {
      this.kafka.append(topic, { key: record.key, value: record.value });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Hook that runs before a commit is stored, so a test can delay or fail it. */
export type CommitHook = (offsets: PartitionOffset[]) => Promise<void> | void;

/** RecordConsumer over a FakeKafka. Starts at the group's committed offsets, or at 0. */
export class FakeRecordConsumer implements RecordConsumer {
  /** Every successful commit call, in order. */
  readonly commits: PartitionOffset[][] = [];
  /** Runs before a commit is stored. Throwing from it fails the commit. */
  beforeCommit: CommitHook | undefined;

  private readonly positions = new Map<string, number>();
  private running: Promise<void> | undefined;
  private stopping = false;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly kafka: FakeKafka,
    private readonly groupId: string,
    private readonly topics: string[],
  ) {}

  run(handler: RecordHandler): Promise<void> {
    if (this.closed || this.stopping || this.running) {
      return Promise.reject(
        new Error(`fake consumer of group ${this.groupId} is running, stopped or closed`),
      );
    }
    const running = this.deliver(handler).finally(() => (this.running = undefined));
    this.running = running;
    return running;
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (this.closed) {
      throw new Error(`fake consumer of group ${this.groupId} is closed; it cannot commit`);
    }
    await this.beforeCommit?.(offsets);
    this.kafka.commitOffsets(this.groupId, offsets);
    this.commits.push(offsets.map((entry) => ({ ...entry })));
  }

  isConnected(): boolean {
    return !this.closed;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running?.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stop();
    this.closed = true;
  }

  private async deliver(handler: RecordHandler): Promise<void> {
    this.loadCommittedPositions();
    const removeListener = this.kafka.onAppend(() => this.wake?.());
    try {
      while (!this.stopping) {
        const record = this.nextRecord();
        if (record) {
          await handler(record);
        } else {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
        }
      }
    } finally {
      removeListener();
    }
  }

  private loadCommittedPositions(): void {
    const committed = this.kafka.committed(this.groupId);
    for (const topic of this.topics) {
      for (let partition = 0; partition < this.kafka.partitionCount(topic); partition++) {
        const offset = committed.get(`${topic}:${partition}`) ?? 0n;
        this.positions.set(`${topic}:${partition}`, Number(offset));
      }
    }
  }

  /** Returns the next unread record, visiting partitions in a fixed order. */
  private nextRecord(): ConsumedRecord | undefined {
    for (const topic of this.topics) {
      for (let partition = 0; partition < this.kafka.partitionCount(topic); partition++) {
        const position = this.positions.get(`${topic}:${partition}`) ?? 0;
        const stored = this.kafka.recordAt(topic, partition, position);
        if (stored) {
          this.positions.set(`${topic}:${partition}`, position + 1);
          return { topic, partition, offset: BigInt(position), ...stored };
        }
      }
    }
    return undefined;
  }
}

function toBuffer(value: string | Buffer | null | undefined): Buffer | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

function fnv1a(bytes: Buffer): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
