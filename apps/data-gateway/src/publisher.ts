import type { ChannelModel, ConfirmChannel, Message } from "amqplib";
import type { Logger } from "pino";
import { assertTopology, type MqTopology } from "../../shared/src/mq";
import { ManagedAmqpConnection } from "../../shared/src/mq-connection";
import type { LabResult } from "../../shared/src/records";

/** Destination of accepted lab results: RabbitMQ in production, a fake in tests. */
export interface LabResultPublisher {
  /** True while results can be published. */
  isReady(): boolean;
  /** Resolves once the broker has confirmed every result; rejects otherwise. */
  publish(results: readonly LabResult[]): Promise<void>;
}

/** The broker is not connected or lost the connection while publishing; retry later. */
export class PublisherUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PublisherUnavailableError";
  }
}

export interface AmqpPublisherOptions {
  url: string;
  topology: MqTopology;
  logger: Logger;
  connectionName: string;
}

/**
 * Publishes lab results to the Clinical MQ exchange on a confirm channel. A result counts as
 * published only when the broker confirmed it (so it is in the durable queue) and did not return
 * it as unroutable. The connection is re-established after a loss; meanwhile `isReady` is false.
 */
export class AmqpLabResultPublisher implements LabResultPublisher {
  private channel: ConfirmChannel | undefined;
  private readonly returnedIds = new Set<string>();
  private readonly connection: ManagedAmqpConnection;

  constructor(private readonly options: AmqpPublisherOptions) {
    this.connection = new ManagedAmqpConnection({
      url: options.url,
      logger: options.logger,
      connectionName: options.connectionName,
      onConnect: (model) => this.setUp(model),
      onDisconnect: () => {
        this.channel = undefined;
      },
    });
  }

  /** Connects, retrying with backoff until the broker accepts the connection and topology. */
  start(): Promise<void> {
    return this.connection.start();
  }

  close(): Promise<void> {
    this.channel = undefined;
    return this.connection.close();
  }

  isReady(): boolean {
    return this.channel !== undefined && this.connection.isConnected();
  }

  async publish(results: readonly LabResult[]): Promise<void> {
    const channel = this.channel;
    if (channel === undefined) {
      throw new PublisherUnavailableError("the Clinical MQ is not connected");
    }

    const confirmations: Promise<void>[] = [];
    for (const result of results) {
      const { written, confirmed } = this.publishOne(channel, result);
      // Marks the rejection as handled now; Promise.all below still reports it.
      confirmed.catch(() => undefined);
      confirmations.push(confirmed);
      if (!written) {
        await waitForDrain(channel);
      }
    }
    await Promise.all(confirmations);
  }

  /**
   * Publishes one result. `written` is false when the socket buffer is full and the caller
   * should wait for `drain`; `confirmed` settles with the broker's confirmation.
   */
  private publishOne(
    channel: ConfirmChannel,
    result: LabResult,
  ): { written: boolean; confirmed: Promise<void> } {
    const { exchange, routingKey } = this.options.topology;
    let written = false;
    const confirmed = new Promise<void>((resolve, reject) => {
      const content = Buffer.from(JSON.stringify(result));
      const properties = {
        persistent: true,
        mandatory: true,
        contentType: "application/json",
        messageId: result.recordId,
        type: result.recordType,
        timestamp: Math.floor(Date.now() / 1000),
        headers: { "x-schema-version": result.schemaVersion },
      };
      written = channel.publish(exchange, routingKey, content, properties, (error: unknown) => {
        const returned = this.returnedIds.delete(result.recordId);
        if (error) {
          reject(new PublisherUnavailableError(`the broker did not confirm ${result.recordId}`));
        } else if (returned) {
          reject(new Error(`the broker could not route ${result.recordId} to a queue`));
        } else {
          resolve();
        }
      });
    });
    return { written, confirmed };
  }

  private async setUp(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    await assertTopology(channel, this.options.topology);

    // A mandatory message that matches no queue comes back before its confirmation.
    channel.on("return", (message: Message) => {
      const id = String(message.properties.messageId);
      this.returnedIds.add(id);
      this.options.logger.error({ recordId: id }, "Clinical MQ returned an unroutable result");
    });
    channel.on("error", (error: Error) => {
      this.options.logger.error({ err: error }, "Clinical MQ channel error");
    });
    channel.on("close", () => {
      if (this.channel !== channel) {
        return;
      }
      // amqplib does not reopen a channel that the broker closed on a live connection. Closing
      // the connection makes the managed connection reconnect and set everything up again.
      this.channel = undefined;
      model.close().catch(() => undefined);
    });
    this.channel = channel;
  }
}

/** Resolves when the channel can take more messages or has closed. */
function waitForDrain(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.off("drain", done);
      channel.off("close", done);
      resolve();
    };
    channel.once("drain", done);
    channel.once("close", done);
  });
}
