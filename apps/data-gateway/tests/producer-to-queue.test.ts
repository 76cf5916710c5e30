import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { connect, type Channel, type ChannelModel } from "amqplib";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { DependencyHealth } from "../../shared/src/health-server";
import { createLogger } from "../../shared/src/logger";
import { deleteTopology, topologyWithSuffix } from "../../shared/src/mq";
import { LabResultSchema } from "../../shared/src/records";
import { TOPICS } from "../../shared/src/topics";
import { FakeKafka } from "../../shared/testing/fake-kafka";
import { GatewayClient } from "../../kafka-producer/src/gateway-client";
import { createGenerator } from "../../kafka-producer/src/generator";
import { createIngestionMetrics, IngestionLoop } from "../../kafka-producer/src/ingestion-loop";
import { TokenBucket } from "../../kafka-producer/src/rate-limiter";
import { buildGatewayApp } from "../src/app";
import { AmqpLabResultPublisher } from "../src/publisher";

// The RabbitMQ broker of the test machine; the topology has a unique suffix per run. Kafka is
// the in-process fake and the gateway listens on a free loopback port.
const AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
const TOKEN = "end-to-end-token-0123456789";
const logger = createLogger({ service: "test", level: "silent" });

describe("producer to Clinical MQ", () => {
  const topology = topologyWithSuffix(`test-${randomUUID()}`);
  let publisher: AmqpLabResultPublisher;
  let app: FastifyInstance;
  let baseUrl: string;
  let model: ChannelModel;
  let channel: Channel;

  before(async () => {
    publisher = new AmqpLabResultPublisher({
      url: AMQP_URL,
      topology,
      logger,
      connectionName: "producer-to-queue-test",
    });
    await publisher.start();
    const registry = new Registry();
    app = buildGatewayApp({ token: TOKEN, publisher, logger, registry, maxBatchSize: 500 });
    await app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    model = await connect(AMQP_URL);
    channel = await model.createChannel();
  });
  after(async () => {
    await app.close();
    await publisher.close();
    await deleteTopology(channel, topology);
    await model.close();
  });

  it("delivers every generated lab result to the durable queue", async () => {
    const topics = [TOPICS.vitals.name, TOPICS.medications.name, TOPICS.adverseEvents.name];
    const kafka = new FakeKafka(Object.fromEntries(topics.map((topic) => [topic, 3])));
    let clock = 0;
    const loop = new IngestionLoop({
      generator: createGenerator({ seed: "end-to-end", patientCount: 10 }),
      kafka: kafka.producer(),
      gateway: new GatewayClient({ baseUrl, token: TOKEN }),
      limiter: new TokenBucket(300, 300, () => (clock += 1000)),
      logger,
      health: new DependencyHealth(["kafka", "gateway"]),
      metrics: createIngestionMetrics(new Registry()),
      labBatchSize: 40,
    });

    await loop.step();
    await loop.flushLabResults(1);

    const expected = createGenerator({ seed: "end-to-end", patientCount: 10 });
    const labIds: string[] = [];
    for (let i = 0; i < 300; i++) {
      const generated = expected.next();
      if (generated.destination === "gateway") {
        labIds.push(generated.record.recordId);
      }
    }
    assert.ok(labIds.length > 40, `only ${labIds.length} lab results generated`);

    // Every result was confirmed before its 202, so the queue contains them all now.
    const { messageCount } = await channel.checkQueue(topology.queue);
    assert.equal(messageCount, labIds.length);
    const queued: string[] = [];
    await new Promise<void>((resolve) => {
      void channel.consume(topology.queue, (message) => {
        if (message === null) {
          return;
        }
        queued.push(LabResultSchema.parse(JSON.parse(message.content.toString())).recordId);
        channel.ack(message);
        if (queued.length === labIds.length) {
          resolve();
        }
      });
    });
    assert.deepEqual(queued, labIds);
  });
});
