import type { ConfirmChannel, ConsumeMessage, Options } from "amqplib";
import type { Logger } from "pino";

import type { RecordProducer } from "../../shared/src/kafka";
import { assertTopology, type MqTopology } from "../../shared/src/mq";
import type { ProcessedLabResult } from "../../shared/src/records";
import { retryWithBackoff } from "../../shared/src/retry";
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
  /** Backoff between failed Kafka writes of one result, in ms. Defaults to 500 ms up to 30 s. */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
  now?: () => Date;
}

/**
 * Consumes submitted lab results from the Clinical MQ, writes each processed result to Kafka
 * and acknowledges the message only after Kafka accepted it. A message that cannot be
 * processed is published to the dead-letter exchange with the reason in a header, then
 * acknowledged.
 */
export class LabResultsConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private subscription: { channel: ConfirmChannel; consumerTag: string } | undefined;
  private kafkaFailing = false;

  constructor(private readonly options: LabResultsConsumerOptions) {}

  /** Sets the prefetch limit, declares the topology and starts consuming on `channel`. */
  async attach(channel: ConfirmChannel, prefetch: number): Promise<void> {
    await channel.prefetch(prefetch);
    await assertTopology(channel, this.options.topology);
    const { consumerTag } = await channel.consume(
      this.options.topology.queue,
      (message) => this.onMessage(channel, message),
      { noAck: false },
    );
    this.subscription = { channel, consumerTag };
  }

  /** False while writes to Kafka fail. */
  isKafkaHealthy(): boolean {
    return !this.kafkaFailing;
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

  private onMessage(channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (message === null) {
      this.options.logger.warn(
        { queue: this.options.topology.queue },
        "the broker cancelled the consumer, for example because the queue was deleted",
      );
      return;
    }

    const handling = this.handle(channel, message).catch((error: unknown) => {
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

  private async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const stopTimer = this.options.metrics?.processingSeconds.startTimer();
    const outcome = processLabResult(message.content, this.options.now?.() ?? new Date());
    if (!outcome.ok) {
      await this.deadLetter(channel, message, outcome.kind, outcome.reason);
      return;
    }

    if (!(await this.sendToKafka(outcome.result))) {
      return;
    }
    channel.ack(message);
    stopTimer?.();
    this.options.metrics?.processed.inc({ flag: outcome.result.flag });
  }

  /** Writes one result to Kafka with retries. Returns false when shutdown stopped the retries. */
  private async sendToKafka(result: ProcessedLabResult): Promise<boolean> {
    const send = async () => {
      try {
        await this.options.producer.send(this.options.topic, [
          { key: result.patientId, value: JSON.stringify(result) },
        ]);
        this.kafkaFailing = false;
      } catch (error) {
        this.kafkaFailing = true;
        this.options.metrics?.kafkaSendFailures.inc();
        throw error;
      }
    };

    try {
      await retryWithBackoff(send, {
        name: `write lab result ${result.recordId} to Kafka`,
        logger: this.options.logger,
        initialDelayMs: this.options.retryInitialDelayMs,
        maxDelayMs: this.options.retryMaxDelayMs,
        signal: this.stopping.signal,
      });
      return true;
    } catch (error) {
      this.options.logger.warn(
        { err: error, recordId: result.recordId },
        "lab result not written to Kafka before shutdown; the broker redelivers it",
      );
      return false;
    }
  }

  /**
   * Publishes the message to the dead-letter exchange with the reason, waits for the broker's
   * confirm and acknowledges the original. When the publish fails, the message is rejected
   * without requeue, so the queue's own dead-letter settings keep it, without the reason.
   */
  private async deadLetter(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    kind: RejectionKind,
    reason: string,
  ): Promise<void> {
    const { topology, logger } = this.options;
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
      await publishConfirmed(channel, topology.deadLetterExchange, topology.deadLetterRoutingKey, {
        content: message.content,
        options: {
          persistent: true,
          contentType: properties.contentType,
          messageId: properties.messageId,
          timestamp: properties.timestamp,
          headers,
        },
      });
    } catch (error) {
      logger.error(
        { err: error, kind },
        "publishing to the dead-letter exchange failed; rejecting the message without requeue",
      );
      channel.nack(message, false, false);
      return;
    }
    channel.ack(message);
    this.options.metrics?.deadLettered.inc({ kind });
  }
}

/** Publishes and resolves on the broker's confirm; rejects on a nack or a closed channel. */
function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  message: { content: Buffer; options: Options.Publish },
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, routingKey, message.content, message.options, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}
