import { ProduceAcks, Producer, stringSerializers, type BaseOptions } from "@platformatic/kafka";
import type { Logger } from "pino";
import { z } from "zod";
import { commaListVar } from "./env";
import { retryWithBackoff } from "./retry";

/** Kafka variables. `KAFKA_CLIENT_ID` defaults to the service name. */
export const kafkaEnvShape = {
  KAFKA_BROKERS: commaListVar("kafka:29092"),
  KAFKA_CLIENT_ID: z.string().min(1).optional().meta({ example: "kafka-producer" }),
};

export interface KafkaEnv {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string;
}

/** Returns the @platformatic/kafka options shared by producers, consumers and admin clients. */
export function kafkaClientOptions(env: KafkaEnv, service: string): BaseOptions {
  return {
    clientId: env.KAFKA_CLIENT_ID ?? service,
    bootstrapBrokers: env.KAFKA_BROKERS,
    connectTimeout: 10_000,
    requestTimeout: 30_000,
  };
}

/** A message to produce: the key picks the partition, the value is serialized JSON. */
export interface KafkaRecord {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/**
 * Kafka producer interface of the workloads, so tests can pass an in-process fake. `send`
 * resolves only after the brokers accepted every record and rejects otherwise.
 */
export interface RecordProducer {
  send(topic: string, records: readonly KafkaRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The `RecordProducer` on @platformatic/kafka. It is idempotent, so the library's own retries do
 * not duplicate records within a session, and waits for all in-sync replicas (acks=all).
 * NOTE: the tests run it only against an unreachable broker; record delivery is tested with the
 * in-process fake, not against a real Kafka.
 */
export class KafkaRecordProducer implements RecordProducer {
  private readonly producer: Producer<string, string, string, string>;

  constructor(options: BaseOptions) {
    this.producer = new Producer({
      ...options,
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      // With `retries` unset, @platformatic/kafka 1.35 retries an idempotent send forever. A
      // bounded count lets `send` fail, so the caller can log, back off and report unhealthy.
      retries: 5,
      retryDelay: 500,
    });
  }

  /** True while the client has at least one open broker connection. */
  isConnected(): boolean {
    return this.producer.isConnected();
  }

  /** Fetches metadata for `topics`; rejects when a broker is unreachable or a topic is missing. */
  async checkTopics(topics: readonly string[]): Promise<void> {
    await this.producer.metadata({ topics: [...topics], forceUpdate: true });
  }

  async send(topic: string, records: readonly KafkaRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    await this.producer.send({
      messages: records.map((record) => ({
        topic,
        key: record.key,
        value: record.value,
        headers: record.headers,
      })),
    });
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

/**
 * Creates a `KafkaRecordProducer` once the brokers return metadata for `topics`. Until then it
 * retries with backoff and logs each retry, and it stops when `signal` aborts.
 */
export async function connectKafkaProducer(options: {
  clientOptions: BaseOptions;
  topics: readonly string[];
  logger: Logger;
  signal?: AbortSignal;
}): Promise<KafkaRecordProducer> {
  const producer = new KafkaRecordProducer(options.clientOptions);
  try {
    await retryWithBackoff(() => producer.checkTopics(options.topics), {
      name: "connect to Kafka",
      logger: options.logger,
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      signal: options.signal,
    });
  } catch (error) {
    await producer.close();
    throw error;
  }
  options.logger.info(
    { brokers: options.clientOptions.bootstrapBrokers, topics: options.topics },
    "connected to Kafka",
  );
  return producer;
}
