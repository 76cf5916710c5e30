import { connect, type ChannelModel } from "amqplib";
import type { Logger } from "pino";
import { redactUrl } from "./logger";
import { retryWithBackoff } from "./retry";

export interface ManagedAmqpConnectionOptions {
  /** amqp:// URL with credentials; logged only without the password. */
  url: string;
  logger: Logger;
  /** Connection name shown in the RabbitMQ management UI, for example the service name. */
  connectionName: string;
  /**
   * Sets up channels, topology and consumers on a new connection. Called after every
   * (re)connect; when it throws, the connection is closed and the attempt retried.
   */
  onConnect: (model: ChannelModel) => Promise<void>;
  /** Called when an open connection is lost, before reconnecting. */
  onDisconnect?: (error: Error | undefined) => void;
  /** Delay before the second attempt, in ms. Defaults to 500 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay between attempts, in ms. Defaults to 15 s. */
  maxDelayMs?: number;
}

/**
 * An AMQP connection that connects with retries and reconnects after it is lost, running
 * `onConnect` each time. `close` stops reconnecting and closes the connection.
 */
export class ManagedAmqpConnection {
  private model: ChannelModel | undefined;
  private readonly stopping = new AbortController();
  private reconnecting: Promise<void> | undefined;
  private blockedBy: string | undefined;

  constructor(private readonly options: ManagedAmqpConnectionOptions) {}

  isConnected(): boolean {
    return this.model !== undefined;
  }

  /**
   * Returns the reason RabbitMQ gave for blocking publishes on this connection, for example
   * `low on memory` during a resource alarm, or undefined while publishes flow. A blocked
   * connection accepts publishes into its socket buffer but the broker does not read them.
   */
  blockedReason(): string | undefined {
    return this.blockedBy;
  }

  /** Connects, retrying until it succeeds or `close` is called. */
  async start(): Promise<void> {
    const target = redactUrl(this.options.url);
    await retryWithBackoff(() => this.connectOnce(), {
      name: `connect to RabbitMQ at ${target}`,
      logger: this.options.logger,
      initialDelayMs: this.options.initialDelayMs ?? 500,
      maxDelayMs: this.options.maxDelayMs ?? 15_000,
      signal: this.stopping.signal,
    });
    this.options.logger.info({ target }, "connected to RabbitMQ");
  }

  /** Stops reconnecting and closes the connection and its channels. */
  async close(): Promise<void> {
    this.stopping.abort(new Error("AMQP connection closed by the application"));
    const model = this.model;
    this.model = undefined;
    if (model !== undefined) {
      await closeModel(model);
    }
    await this.reconnecting?.catch(() => undefined);
  }

  private async connectOnce(): Promise<void> {
    const model = await connect(this.options.url, {
      clientProperties: { connection_name: this.options.connectionName },
    });
    // amqplib emits 'error' before 'close' for a connection error; 'close' handles both.
    model.on("error", (error: Error) => {
      this.options.logger.warn({ err: error }, "RabbitMQ connection error");
    });
    this.blockedBy = undefined;
    model.on("blocked", (reason?: string) => {
      this.blockedBy = reason || "no reason given";
      this.options.logger.warn(
        { reason: this.blockedBy },
        "RabbitMQ blocked publishing on this connection, usually because of a memory or disk alarm",
      );
    });
    model.on("unblocked", () => {
      this.blockedBy = undefined;
      this.options.logger.info("RabbitMQ unblocked publishing on this connection");
    });

    try {
      await this.options.onConnect(model);
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }

    this.model = model;
    model.on("close", (error?: Error) => this.handleClose(model, error));
  }

  private handleClose(model: ChannelModel, error: Error | undefined): void {
    if (this.model !== model) {
      return;
    }
    this.model = undefined;
    this.blockedBy = undefined;
    if (this.stopping.signal.aborted) {
      return;
    }

    this.options.logger.warn({ err: error }, "RabbitMQ connection lost, reconnecting");
    this.options.onDisconnect?.(error);
    this.reconnecting = this.start().catch((startError: unknown) => {
      if (!this.stopping.signal.aborted) {
        this.options.logger.error({ err: startError }, "reconnecting to RabbitMQ failed");
      }
    });
  }
}

/**
 * Closes `model`. When a close is already under way, for example one that a channel owner
 * started to force a reconnect, amqplib throws IllegalOperationError, and this waits for that
 * close to finish instead.
 */
async function closeModel(model: ChannelModel): Promise<void> {
  const closed = new Promise<void>((resolve) => model.once("close", () => resolve()));
  try {
    await model.close();
  } catch (error) {
    if (!(error instanceof Error && error.name === "IllegalOperationError")) {
      throw error;
    }
    await closed;
  }
}
