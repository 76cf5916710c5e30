import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { connect, type Channel, type ChannelModel } from "amqplib";
import { Registry } from "prom-client";
import { createLogger } from "../../shared/src/logger";
import { deleteTopology, topologyWithSuffix } from "../../shared/src/mq";
import { buildGatewayApp } from "../src/app";
import { AmqpLabResultPublisher, PublisherUnavailableError } from "../src/publisher";
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
