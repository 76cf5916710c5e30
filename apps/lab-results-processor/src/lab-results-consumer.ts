import type { ConfirmChannel, ConsumeMessage } from "amqplib";
import type { Logger } from "pino";

import type { RecordProducer } from "../../shared/src/kafka";
import { assertTopology, type MqTopology } from "../../shared/src/mq";
import { computeBackoffDelay, sleep } from "../../shared/src/retry";
import { MandatoryPublisher, UnroutableMessageError } from "./dead-letter-publisher";
import { KafkaResultWriter } from "./kafka-result-writer";
import type { ProcessorMetrics } from "./metrics";
import { processLabResult, type RejectionKind } from "./process-lab-result";

/** Header on a dead-lettered message that states why it was rejected. */
export const REJECTION_REASON_HEADER = "x-rejection-reason";
/** Header on a dead-lettered message with the `RejectionKind`. */
export const REJECTION_KIND_HEADER = "x-rejection-kind";

// A zod report can be long, and RabbitMQ keeps headers in memory with the message.
const MAX_REASON_LENGTH = 1000;

export interface LabResultsConsumerOptions {
  producer: RecordProducer;
  /** Kafka topic of processed lab results. */
  topic: string;
  topology: MqTopology;
  logger: Logger;
  metrics?: ProcessorMetrics;
  /**
   * Backoff between failed Kafka writes of one result, and before a message whose dead-letter
   * publish failed is requeued, in ms. Defaults to 500 ms up to 30 s.
   */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
  /**
   * Attempts to write a result to Kafka when the writes fail with errors that are neither broker
   * unavailability (retried without limit) nor a rejection of the record (not retried). The
   * message is then dead-lettered. Defaults to 10.
   */
  maxKafkaAttempts?: number;
  now?: () => Date;
}

/** The channel a message arrived on, and the publisher for its dead-letter copy. */
interface Delivery {
  channel: ConfirmChannel;
  deadLetters: MandatoryPublisher;
  message: ConsumeMessage;
}

/**
 * Consumes submitted lab results from the Clinical MQ, writes each processed result to Kafka
 * and acknowledges the message only after Kafka accepted it. A message that cannot be
 * processed, or whose result Kafka rejects, is published to the dead-letter exchange with the
 * reason in a header, then acknowledged.
 */
export class LabResultsConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private subscription: { channel: ConfirmChannel; consumerTag: string } | undefined;
  private readonly writer: KafkaResultWriter;
  private redeclaring: Promise<void> | undefined;

  constructor(private readonly options: LabResultsConsumerOptions) {
    this.writer = new KafkaResultWriter({ ...options, signal: this.stopping.signal });
  }

  /** Sets the prefetch limit, declares the topology and starts consuming on `channel`. */
  async attach(channel: ConfirmChannel, prefetch: number): Promise<void> {
    await channel.prefetch(prefetch);
    await assertTopology(channel, this.options.topology);
    const deadLetters = new MandatoryPublisher(channel);
    const { consumerTag } = await channel.consume(
      this.options.topology.queue,
      (message) => this.onMessage(channel, deadLetters, message),
      { noAck: false },
    );
    this.subscription = { channel, consumerTag };
  }

  /** False while writes to Kafka fail, except for records that Kafka rejects. */
  isKafkaHealthy(): boolean {
    return this.writer.isHealthy();
  }

  /** Messages delivered and not yet settled. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Cancels the subscription so the broker delivers no more messages. A failure is logged, not
   * thrown, so shutdown continues: closing the connection ends the subscription too.
   */
  async stopConsuming(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (!subscription) {
      return;
    }
    try {
      await subscription.channel.cancel(subscription.consumerTag);
    } catch (error) {
      this.options.logger.warn({ err: error }, "cancelling the lab results consumer failed");
    }
  }

  /**
   * Stops Kafka retries and waits for every delivered message to settle. A message whose
   * retry was stopped stays unacknowledged, so the broker redelivers it after the channel closes.
   */
  async drain(): Promise<void> {
    this.stopping.abort(new Error("lab-results-processor is shutting down"));
    await Promise.allSettled(this.inFlight);
  }

  private onMessage(
    channel: ConfirmChannel,
    deadLetters: MandatoryPublisher,
    message: ConsumeMessage | null,
  ): void {
    if (message === null) {
      this.options.logger.warn(
        { queue: this.options.topology.queue },
        "the broker cancelled the consumer, for example because the queue was deleted",
      );
      return;
    }

    const handling = this.handle({ channel, deadLetters, message }).catch((error: unknown) => {
      this.options.logger.error(
        { err: error, deliveryTag: message.fields.deliveryTag },
        "handling a lab result message failed; it stays unacknowledged",
      );
    });
    this.inFlight.add(handling);
    this.options.metrics?.inFlight.inc();
    void handling.finally(() => {
      this.inFlight.delete(handling);
      this.options.metrics?.inFlight.dec();
    });
  }

  private async handle(delivery: Delivery): Promise<void> {
    const stopTimer = this.options.metrics?.processingSeconds.startTimer();
    const now = this.options.now?.() ?? new Date();
    const outcome = processLabResult(delivery.message.content, now);
    if (!outcome.ok) {
      await this.deadLetter(delivery, outcome.kind, outcome.reason);
      return;
    }

    const sent = await this.writer.write(outcome.result);
    if (sent.status === "stopped") {
      return;
    }
    if (sent.status === "failed") {
      await this.deadLetter(delivery, "kafka-rejected", sent.reason);
      return;
    }
    delivery.channel.ack(delivery.message);
    stopTimer?.();
    this.options.metrics?.processed.inc({ flag: outcome.result.flag });
  }

  /**
   * Publishes the message to the dead-letter exchange with the reason, waits for the broker's
   * confirm and acknowledges the original. When the publish fails, including when the broker
   * returns the copy because the DLQ is missing, the original stays unacknowledged and is
   * requeued after a backoff, so the copy is published again on its next delivery.
   */
  private async deadLetter(delivery: Delivery, kind: RejectionKind, reason: string): Promise<void> {
    const { topology, logger } = this.options;
    const { message } = delivery;
    const properties = message.properties;
    const headers = {
      ...properties.headers,
      [REJECTION_REASON_HEADER]: reason.slice(0, MAX_REASON_LENGTH),
      [REJECTION_KIND_HEADER]: kind,
      "x-original-queue": topology.queue,
    };
    logger.warn(
      { kind, reason, messageId: properties.messageId, deliveryTag: message.fields.deliveryTag },
      "lab result rejected to the dead-letter queue",
    );

    try {
      await delivery.deadLetters.publish(
        topology.deadLetterExchange,
        topology.deadLetterRoutingKey,
        message.content,
        {
          persistent: true,
          contentType: properties.contentType,
          messageId: properties.messageId,
          timestamp: properties.timestamp,
          headers,
        },
      );
    } catch (error) {
      await this.requeueAfterBackoff(delivery, kind, error);
      return;
    }
    delivery.channel.ack(message);
    this.options.metrics?.deadLettered.inc({ kind });
  }

  /** Logs a failed dead-letter publish, waits and requeues the original. */
  private async requeueAfterBackoff(
    delivery: Delivery,
    kind: RejectionKind,
    error: unknown,
  ): Promise<void> {
    const { message, channel } = delivery;
    // Quorum queues count deliveries in this header; it is absent on the first delivery.
    const deliveries = Number(message.properties.headers?.["x-delivery-count"] ?? 0) + 1;
    const delayMs = computeBackoffDelay(
      deliveries,
      this.options.retryInitialDelayMs ?? 500,
      this.options.retryMaxDelayMs ?? 30_000,
      Math.random(),
    );
    this.options.metrics?.deadLetterFailures.inc();
    this.options.logger.error(
      { err: error, kind, messageId: message.properties.messageId, deliveries, delayMs },
      `publishing to the dead-letter exchange failed; requeueing the message in ${delayMs} ms`,
    );
    if (error instanceof UnroutableMessageError) {
      this.redeclareTopology(channel);
    }

    try {
      await sleep(delayMs, this.stopping.signal);
      channel.nack(message, false, true);
    } catch {
      // Shutdown or a closed channel: the broker requeues the unacknowledged message itself.
    }
  }

  /**
   * Declares the topology again, once at a time, after the broker returned a dead-letter copy
   * because the DLQ or its binding is missing. When declaring fails, RabbitMQ closes the
   * channel, which requeues every unacknowledged message.
   */
  private redeclareTopology(channel: ConfirmChannel): void {
    if (this.redeclaring !== undefined) {
      return;
    }
    const { logger, topology } = this.options;
    this.redeclaring = assertTopology(channel, topology)
      .then(() => logger.warn({ queue: topology.deadLetterQueue }, "declared the topology again"))
      .catch((error: unknown) => logger.error({ err: error }, "declaring the topology failed"))
      .finally(() => {
        this.redeclaring = undefined;
      });
  }
}
