import { Consumer, type BaseOptions, type MessagesStream } from "@platformatic/kafka";

/** One record read from a Kafka partition, with the value still serialised. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Kafka record timestamp in milliseconds since the Unix epoch. */
  timestamp: bigint;
  key: Buffer | undefined;
  value: Buffer;
}

/** A position in a partition. For commits it is the next offset to read (last processed + 1). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

export type RecordHandler = (record: ConsumedRecord) => Promise<void> | void;

/** Consumer-group member whose offsets are committed only by an explicit `commit` call. */
export interface RecordConsumer {
  /**
   * Subscribes and passes records to `handler` one at a time, in offset order per partition.
   * The next record waits until the handler's promise settles, which gives backpressure.
   * Resolves after `stop` and rejects when the stream fails or the handler throws. After a
   * rejection `run` may be called again, and reading resumes at the committed offsets.
   */
  run(handler: RecordHandler): Promise<void>;
  /** Commits, for each partition, the next offset the group should read. */
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** Whether the client has an open connection to the cluster. */
  isConnected(): boolean;
  /**
   * Stops delivery and resolves once `run` has returned. Records fetched but not yet handled
   * are dropped without a commit, so the group reads them again. `commit` still works.
   */
  stop(): Promise<void>;
  /** Stops delivery if needed and leaves the group. Commits nothing by itself. */
  close(): Promise<void>;
}

export interface KafkaRecordConsumerOptions {
  /** Client id, brokers and timeouts, usually from `kafkaClientOptions`. */
  clientOptions: BaseOptions;
  groupId: string;
  topics: string[];
  /** Maximum time in ms that the broker waits for data before it responds. Defaults to 1000 ms. */
  maxWaitTimeMs?: number;
}

/**
 * RecordConsumer on @platformatic/kafka with automatic commits turned off.
 * NOTE: no test runs this class against a broker, because the test environment has no Kafka.
 * The bronze writer's tests use the fake consumer in `apps/shared/testing/fake-kafka.ts`.
 */
export class KafkaRecordConsumer implements RecordConsumer {
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private closed = false;

  constructor(private readonly options: KafkaRecordConsumerOptions) {
    this.consumer = new Consumer({
      ...options.clientOptions,
      groupId: options.groupId,
      autocommit: false,
      maxWaitTime: options.maxWaitTimeMs ?? 1000,
    });
  }

  run(handler: RecordHandler): Promise<void> {
    if (this.closed || this.stopping || this.running) {
      const clientId = this.options.clientOptions.clientId;
      return Promise.reject(
        new Error(`Kafka consumer ${clientId} is running, stopped or closed; it cannot run again`),
      );
    }
    const running = this.consumeUntilStopped(handler).finally(() => {
      this.running = undefined;
      this.stream = undefined;
    });
    this.running = running;
    return running;
  }

  private async consumeUntilStopped(handler: RecordHandler): Promise<void> {
    // "committed" resumes from the group's committed offsets. A partition without one
    // starts at the earliest offset, so records written before the first commit are kept.
    const stream = await this.consumer.consume({
      topics: this.options.topics,
      autocommit: false,
      mode: "committed",
      fallbackMode: "earliest",
    });
    this.stream = stream;
    if (this.stopping) {
      await stream.close();
      return;
    }

    for await (const message of stream) {
      if (this.stopping) {
        break;
      }
      await handler({
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key,
        value: message.value ?? Buffer.alloc(0),
      });
    }
    await stream.close();
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) {
      return;
    }

    const topics = [...new Set(offsets.map((entry) => entry.topic))];
    const metadata = await this.consumer.metadata({ topics });
    const withEpochs = offsets.map((entry) => ({
      ...entry,
      // -1 is the Kafka protocol value for an unknown leader epoch.
      leaderEpoch: metadata.topics.get(entry.topic)?.partitions[entry.partition]?.leaderEpoch ?? -1,
    }));
    await this.consumer.commit({ offsets: withEpochs });
  }

  isConnected(): boolean {
    return this.stream?.isConnected() ?? false;
  }

  async stop(): Promise<void> {
    this.stopping = true;

    // Closing the stream ends an iteration that waits for the next fetch. An iteration that
    // waits for the handler checks the flag when the handler returns.
    // Errors of either promise reach the caller of `run`, so stopping does not raise them twice.
    void this.stream?.close().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }

    await this.stop();
    this.closed = true;
    await this.consumer.close();
  }
}
