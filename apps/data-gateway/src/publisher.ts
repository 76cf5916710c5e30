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

/** The broker cannot take results now (not connected, blocked, timed out); retry later. */
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
  /**
   * Time in ms that one `publish` call may wait for a full socket buffer to drain and for the
   * broker's confirms, before it fails. Defaults to 10 s.
   */
  confirmTimeoutMs?: number;
}

/**
 * Publishes lab results to the Clinical MQ exchange on a confirm channel. A result counts as
 * published only when the broker confirmed it (so it is in the durable queue) and did not return
 * it as unroutable. The connection is re-established after a loss, and the topology is declared
 * again after a result came back unroutable. `isReady` is false meanwhile and while RabbitMQ
 * blocks publishing during a resource alarm.
 */
export class AmqpLabResultPublisher implements LabResultPublisher {
  private channel: ConfirmChannel | undefined;
  private readonly returnedIds = new Set<string>();
  private readonly connection: ManagedAmqpConnection;
  private redeclaring: Promise<void> | undefined;
  private readonly confirmTimeoutMs: number;

  constructor(private readonly options: AmqpPublisherOptions) {
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
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
    return this.unavailableReason() === undefined;
  }

  async publish(results: readonly LabResult[]): Promise<void> {
    const channel = this.channel;
    const reason = this.unavailableReason();
    if (channel === undefined || reason !== undefined) {
      throw new PublisherUnavailableError(reason ?? "the Clinical MQ is not connected");
    }

    const deadline = Date.now() + this.confirmTimeoutMs;
    const confirmations: Promise<void>[] = [];
    for (const result of results) {
      const { written, confirmed } = this.publishOne(channel, result);
      // Marks the rejection as handled now; Promise.all below still reports it.
      confirmed.catch(() => undefined);
      confirmations.push(confirmed);
      if (!written) {
        await this.waitForDrain(channel, deadline);
      }
    }

    const count = confirmations.length;
    await withDeadline(
      Promise.all(confirmations),
      deadline,
      `the broker did not confirm ${count} lab result(s) within ${this.confirmTimeoutMs} ms`,
    );
  }

  /** Returns why publishing is impossible now, or undefined when it is possible. */
  private unavailableReason(): string | undefined {
    if (this.channel === undefined || !this.connection.isConnected()) {
      return "the Clinical MQ is not connected";
    }
    const blocked = this.connection.blockedReason();
    if (blocked !== undefined) {
      return `the Clinical MQ blocks publishing (${blocked})`;
    }
    if (this.redeclaring !== undefined) {
      return "the Clinical MQ queue was missing and is being declared again";
    }
    return undefined;
  }

  /**
   * Publishes one result. `written` is false when the socket buffer is full and the caller
   * should wait for `drain`; `confirmed` settles with the broker's confirmation. Throws a
   * `PublisherUnavailableError` when the channel is closed.
   */
  private publishOne(
    channel: ConfirmChannel,
    result: LabResult,
  ): { written: boolean; confirmed: Promise<void> } {
    const { exchange, routingKey } = this.options.topology;
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

    let settle: (error: Error | undefined) => void = () => undefined;
    const confirmed = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    let written: boolean;
    try {
      written = channel.publish(exchange, routingKey, content, properties, (error: unknown) => {
        const returned = this.returnedIds.delete(result.recordId);
        if (error) {
          settle(new PublisherUnavailableError(`the broker did not confirm ${result.recordId}`));
        } else if (returned) {
          const message = `the broker could not route ${result.recordId} to a queue`;
          settle(new PublisherUnavailableError(message));
        } else {
          settle(undefined);
        }
      });
    } catch {
      // amqplib throws synchronously once the channel is closed.
      const message = `the Clinical MQ channel closed while publishing ${result.recordId}`;
      throw new PublisherUnavailableError(message);
    }
    return { written, confirmed };
  }

  /** Waits for `drain`; throws when the channel closes first or the deadline passes. */
  private async waitForDrain(channel: ConfirmChannel, deadline: number): Promise<void> {
    if (this.channel !== channel) {
      throw new PublisherUnavailableError("the Clinical MQ channel closed while publishing");
    }
    const outcome = await waitForDrainOrClose(channel, deadline);
    if (outcome === "timeout") {
      const waited = this.confirmTimeoutMs;
      const message = `the Clinical MQ did not take more lab results within ${waited} ms`;
      throw new PublisherUnavailableError(message);
    }
    if (outcome === "closed" || this.channel !== channel) {
      throw new PublisherUnavailableError("the Clinical MQ channel closed while publishing");
    }
  }

  /** Opens the confirm channel and declares the topology; runs after every (re)connect. */
  protected async setUp(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    await assertTopology(channel, this.options.topology);

    // A mandatory message that matches no queue comes back before its confirmation.
    channel.on("return", (message: Message) => {
      const id = String(message.properties.messageId);
      this.returnedIds.add(id);
      this.options.logger.error({ recordId: id }, "Clinical MQ returned an unroutable result");
      this.redeclareTopology(channel);
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

  /**
   * Declares the topology again, once at a time. A returned result means that the queue or
   * its binding is gone, for example deleted by hand. When declaring fails, RabbitMQ closes the
   * channel, and the reconnect that follows declares the topology with retries.
   */
  private redeclareTopology(channel: ConfirmChannel): void {
    if (this.redeclaring !== undefined) {
      return;
    }
    const { logger, topology } = this.options;
    this.redeclaring = assertTopology(channel, topology)
      .then(() => logger.warn({ queue: topology.queue }, "declared the Clinical MQ topology again"))
      .catch((error: unknown) => {
        logger.error({ err: error }, "declaring the Clinical MQ topology again failed");
      })
      .finally(() => {
        this.redeclaring = undefined;
      });
  }
}

/**
 * Resolves with `drained` when the channel can take more messages, `closed` when it closed and
 * `timeout` at `deadline` (milliseconds since the epoch), whichever comes first.
 */
function waitForDrainOrClose(
  channel: ConfirmChannel,
  deadline: number,
): Promise<"drained" | "closed" | "timeout"> {
  return new Promise((resolve) => {
    const onDrain = () => finish("drained");
    const onClose = () => finish("closed");
    const timer = setTimeout(() => finish("timeout"), Math.max(0, deadline - Date.now()));
    const finish = (outcome: "drained" | "closed" | "timeout") => {
      clearTimeout(timer);
      channel.off("drain", onDrain);
      channel.off("close", onClose);
      resolve(outcome);
    };
    channel.once("drain", onDrain);
    channel.once("close", onClose);
  });
}

/**
 * Returns `promise`, or rejects with a `PublisherUnavailableError` carrying `message` when it
 * has not settled by `deadline` (milliseconds since the epoch).
 */
async function withDeadline<T>(promise: Promise<T>, deadline: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new PublisherUnavailableError(message)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
