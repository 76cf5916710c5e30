import { randomUUID } from "node:crypto";

import type { ConfirmChannel, Message, Options } from "amqplib";

/**
 * Header with a UUID per dead-letter copy. It matches a copy that the broker returned as
 * unroutable to the publish that sent it, because the original `messageId` may repeat or be
 * missing.
 */
export const DEAD_LETTER_ID_HEADER = "x-dead-letter-id";

/** The broker returned a mandatory message because no queue was bound for its routing key. */
export class UnroutableMessageError extends Error {
  constructor(exchange: string, routingKey: string) {
    super(`no queue is bound to exchange ${exchange} with routing key ${routingKey}`);
    this.name = "UnroutableMessageError";
  }
}

/**
 * Publishes mandatory messages on a confirm channel. A publish resolves only when the broker
 * confirmed the message and did not return it as unroutable. Without `mandatory`, RabbitMQ
 * confirms a message that matches no queue and drops it.
 */
export class MandatoryPublisher {
  private readonly returnedIds = new Set<string>();

  constructor(private readonly channel: ConfirmChannel) {
    // RabbitMQ sends basic.return before the confirm of the same message.
    channel.on("return", (message: Message) => {
      const id = message.properties.headers?.[DEAD_LETTER_ID_HEADER];
      if (typeof id === "string") {
        this.returnedIds.add(id);
      }
    });
  }

  /**
   * Publishes `content` with `options`, `mandatory` set and the id header added. Rejects with an
   * `UnroutableMessageError` when the broker returned it, and with the channel's error on a
   * nack or a closed channel.
   */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    const id = randomUUID();
    const headers = { ...options.headers, [DEAD_LETTER_ID_HEADER]: id };
    return new Promise((resolve, reject) => {
      const onConfirm = (error: unknown) => {
        const returned = this.returnedIds.delete(id);
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        } else if (returned) {
          reject(new UnroutableMessageError(exchange, routingKey));
        } else {
          resolve();
        }
      };
      try {
        this.channel.publish(
          exchange,
          routingKey,
          content,
          { ...options, headers, mandatory: true },
          onConfirm,
        );
      } catch (error) {
        // amqplib throws synchronously once the channel is closed.
        reject(error);
      }
    });
  }
}
