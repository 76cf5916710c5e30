import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";
import { Registry } from "prom-client";
import { createLogger } from "../../shared/src/logger";
import { deleteTopology, topologyWithSuffix } from "../../shared/src/mq";
import { buildGatewayApp } from "../src/app";
import {
  AmqpLabResultPublisher,
  PublisherUnavailableError,
  type AmqpPublisherOptions,
} from "../src/publisher";
import { VALID_RESULT, VALID_RESULT_2 } from "./fixtures/lab-results";

// The RabbitMQ broker of the test machine; the topology has a unique suffix per run.
const AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
const TOKEN = "gateway-test-token-0123456789";
const logger = createLogger({ service: "test", level: "silent" });

describe("gateway publishing to RabbitMQ", () => {
  const topology = topologyWithSuffix(`test-${randomUUID()}`);
  let publisher: AmqpLabResultPublisher;
  let model: ChannelModel;
  let channel: Channel;

  before(async () => {
    publisher = new AmqpLabResultPublisher({
      url: AMQP_URL,
      topology,
      logger,
      connectionName: "data-gateway-test",
    });
    assert.equal(publisher.isReady(), false);
    await publisher.start();
    model = await connect(AMQP_URL);
    channel = await model.createChannel();
  });
  after(async () => {
    await publisher.close();
    await deleteTopology(channel, topology);
    await model.close();
  });

  it("puts accepted results in the durable queue before answering 202", async () => {
    const app = buildGatewayApp({
      token: TOKEN,
      publisher,
      logger,
      registry: new Registry(),
      maxBatchSize: 10,
    });
    const response = await app.inject({
      method: "POST",
      url: "/v1/lab-results/batch",
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: [VALID_RESULT, VALID_RESULT_2],
    });
    await app.close();
    assert.equal(response.statusCode, 202);

    // The broker confirmed both messages before the 202, so they are in the queue now.
    const first = await channel.get(topology.queue, { noAck: true });
    const second = await channel.get(topology.queue, { noAck: true });
    assert.ok(first, "the queue is empty");
    assert.ok(second, "the queue contains only one result");
    assert.deepEqual(JSON.parse(first.content.toString()), VALID_RESULT);
    assert.deepEqual(JSON.parse(second.content.toString()), VALID_RESULT_2);
    assert.equal(first.properties.deliveryMode, 2);
    assert.equal(first.properties.contentType, "application/json");
    assert.equal(first.properties.messageId, VALID_RESULT.recordId);
    assert.equal(first.properties.headers?.["x-schema-version"], 1);

    const queue = await channel.checkQueue(topology.queue);
    assert.equal(queue.messageCount, 0);
  });

  it("rejects publishing after close", async () => {
    const closing = new AmqpLabResultPublisher({
      url: AMQP_URL,
      topology,
      logger,
      connectionName: "data-gateway-test-close",
    });
    await closing.start();
    assert.equal(closing.isReady(), true);
    await closing.close();

    assert.equal(closing.isReady(), false);
    await assert.rejects(closing.publish([VALID_RESULT]), PublisherUnavailableError);
  });
});

/** A publisher that keeps its current connection and confirm channel for the test to act on. */
class ObservedPublisher extends AmqpLabResultPublisher {
  currentModel: ChannelModel | undefined;
  currentChannel: ConfirmChannel | undefined;

  protected override async setUp(model: ChannelModel): Promise<void> {
    this.currentModel = model;
    const create = model.createConfirmChannel.bind(model);
    model.createConfirmChannel = async (options) => {
      this.currentChannel = await create(options);
      return this.currentChannel;
    };
    await super.setUp(model);
  }
}

/** Rejects with an error naming `operation` when `promise` does not settle within `ms`. */
function within<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${operation} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function waitUntil(condition: () => boolean | Promise<boolean>, description: string) {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      assert.fail(`timed out after 5000 ms waiting for ${description}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("gateway publisher failures", () => {
  const topology = topologyWithSuffix(`test-${randomUUID()}`);
  let publisher: ObservedPublisher;
  let model: ChannelModel;
  let control: Channel;

  async function startPublisher(options: Partial<AmqpPublisherOptions> = {}) {
    publisher = new ObservedPublisher({
      url: AMQP_URL,
      topology,
      logger,
      connectionName: "data-gateway-test-failures",
      ...options,
    });
    await publisher.start();
    assert.ok(publisher.currentChannel, "the publisher opened no confirm channel");
    return publisher.currentChannel;
  }

  before(async () => {
    model = await connect(AMQP_URL);
    control = await model.createChannel();
  });
  afterEach(async () => {
    await publisher.close();
    await control.purgeQueue(topology.queue).catch(() => undefined);
  });
  after(async () => {
    await deleteTopology(control, topology);
    await model.close();
  });

  it("fails when the channel closes while waiting for drain", async () => {
    const channel = await startPublisher();
    // Makes every publish report a full socket buffer, so the publisher waits for drain.
    const publish = channel.publish.bind(channel);
    channel.publish = (...args: Parameters<ConfirmChannel["publish"]>) => {
      publish(...args);
      return false;
    };

    const publishing = publisher.publish([VALID_RESULT, VALID_RESULT_2]);
    publishing.catch(() => undefined);
    await channel.close();

    await assert.rejects(
      within(publishing, 3000, "publish"),
      (error: unknown) =>
        error instanceof PublisherUnavailableError &&
        error.message === "the Clinical MQ channel closed while publishing",
    );
  });

  it("fails when the broker does not confirm in time", async () => {
    const channel = await startPublisher({ confirmTimeoutMs: 200 });
    // Drops the messages, so no confirmation ever arrives.
    channel.publish = () => true;

    await assert.rejects(
      within(publisher.publish([VALID_RESULT]), 3000, "publish"),
      (error: unknown) =>
        error instanceof PublisherUnavailableError &&
        error.message === "the broker did not confirm 1 lab result(s) within 200 ms",
    );
  });

  it("reports unavailable while RabbitMQ blocks publishing", async () => {
    await startPublisher();
    const app = buildGatewayApp({
      token: TOKEN,
      publisher,
      logger,
      registry: new Registry(),
      maxBatchSize: 10,
    });
    // amqplib emits these events when the broker sends connection.blocked and .unblocked.
    publisher.currentModel?.emit("blocked", "low on memory");

    assert.equal(publisher.isReady(), false);
    const health = await app.inject({ method: "GET", url: "/health" });
    assert.equal(health.statusCode, 503);
    const response = await app.inject({
      method: "POST",
      url: "/v1/lab-results",
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: VALID_RESULT,
    });
    assert.equal(response.statusCode, 503);
    assert.equal(
      (response.json() as { message: string }).message,
      "the Clinical MQ blocks publishing (low on memory); retry later",
    );

    publisher.currentModel?.emit("unblocked");
    assert.equal(publisher.isReady(), true);
    await publisher.publish([VALID_RESULT]);
    await app.close();
  });

  it("declares the queue again after it was deleted", async () => {
    await startPublisher();
    await control.deleteQueue(topology.queue);

    await assert.rejects(
      publisher.publish([VALID_RESULT]),
      (error: unknown) =>
        error instanceof PublisherUnavailableError &&
        error.message === `the broker could not route ${VALID_RESULT.recordId} to a queue`,
    );
    await waitUntil(() => publisher.isReady(), "the publisher to be ready again");

    await publisher.publish([VALID_RESULT_2]);
    const queue = await control.checkQueue(topology.queue);
    assert.equal(queue.messageCount, 1);
    const message = await control.get(topology.queue, { noAck: true });
    assert.ok(message, "the queue is empty");
    assert.equal(message.properties.messageId, VALID_RESULT_2.recordId);
  });
});
