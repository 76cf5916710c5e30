import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { connect, type Channel, type ChannelModel } from "amqplib";
import { createLogger } from "../src/logger";
import { assertTopology, deleteTopology, topologyWithSuffix } from "../src/mq";
import { ManagedAmqpConnection } from "../src/mq-connection";

// The RabbitMQ broker of the test machine; every object below has a unique suffix.
const AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
const logger = createLogger({ service: "test", level: "silent" });

describe("Clinical MQ topology", () => {
  const topology = topologyWithSuffix(`test-${randomUUID()}`);
  let model: ChannelModel;
  let channel: Channel;

  before(async () => {
    model = await connect(AMQP_URL);
    channel = await model.createChannel();
    await assertTopology(channel, topology);
  });
  after(async () => {
    await deleteTopology(channel, topology);
    await model.close();
  });

  it("is idempotent", async () => {
    await assertTopology(channel, topology);
    const queue = await channel.checkQueue(topology.queue);
    assert.equal(queue.queue, topology.queue);
  });

  it("routes published results to the durable queue", async () => {
    const content = Buffer.from("{}");
    channel.publish(topology.exchange, topology.routingKey, content, { persistent: true });
    const message = await waitForMessage(channel, topology.queue);
    assert.equal(message.content.toString(), "{}");
    channel.ack(message);
  });

  it("dead-letters a rejected message to the DLQ", async () => {
    channel.publish(topology.exchange, topology.routingKey, Buffer.from("poison"));
    const message = await waitForMessage(channel, topology.queue);
    channel.nack(message, false, false);

    const deadLettered = await waitForMessage(channel, topology.deadLetterQueue);
    assert.equal(deadLettered.content.toString(), "poison");
    const deaths = deadLettered.properties.headers?.["x-death"] as { reason: string }[];
    assert.equal(deaths[0].reason, "rejected");
    channel.ack(deadLettered);
  });
});

describe("ManagedAmqpConnection", () => {
  it("reconnects and runs onConnect again after the connection is lost", async () => {
    const connected: ChannelModel[] = [];
    const connection = new ManagedAmqpConnection({
      url: AMQP_URL,
      logger,
      connectionName: "mq-connection-test",
      initialDelayMs: 10,
      onConnect: async (model) => {
        connected.push(model);
      },
    });
    await connection.start();
    assert.equal(connection.isConnected(), true);

    // Closing the model from outside simulates a lost connection.
    await connected[0].close();
    await waitUntil(() => connected.length === 2 && connection.isConnected());

    await connection.close();
    assert.equal(connection.isConnected(), false);
  });
});

describe("ManagedAmqpConnection state", () => {
  let connection: ManagedAmqpConnection;
  let current: ChannelModel | undefined;

  beforeEach(async () => {
    connection = new ManagedAmqpConnection({
      url: AMQP_URL,
      logger,
      connectionName: "mq-connection-state-test",
      initialDelayMs: 10,
      onConnect: async (model) => {
        current = model;
      },
    });
    await connection.start();
  });
  afterEach(() => connection.close());

  it("tracks connection.blocked and unblocked", async () => {
    assert.equal(connection.blockedReason(), undefined);
    // amqplib emits these when the broker sends connection.blocked and connection.unblocked.
    current?.emit("blocked", "low on disk");
    assert.equal(connection.blockedReason(), "low on disk");
    current?.emit("unblocked");
    assert.equal(connection.blockedReason(), undefined);
  });

  it("closes while a close is already under way", async () => {
    const closing = current?.close();
    await connection.close();
    await closing;
    assert.equal(connection.isConnected(), false);
  });
});

async function waitForMessage(channel: Channel, queue: string) {
  for (let i = 0; i < 100; i++) {
    const message = await channel.get(queue);
    if (message) {
      return message;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`no message arrived in ${queue} within 2 s`);
}

async function waitUntil(condition: () => boolean) {
  for (let i = 0; i < 200; i++) {
    if (condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail("condition not met within 2 s");
}
