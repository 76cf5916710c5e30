import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";

import { connect, type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";

import { createLogger } from "../../shared/src/logger";
import {
  assertTopology,
  deleteTopology,
  topologyWithSuffix,
  type MqTopology,
} from "../../shared/src/mq";
import { SCHEMA_VERSION, type LabResult, type ProcessedLabResult } from "../../shared/src/records";
import { FakeKafka, type FakeRecordProducer } from "../../shared/testing/fake-kafka";
import {
  LabResultsConsumer,
  REJECTION_KIND_HEADER,
  REJECTION_REASON_HEADER,
} from "../src/lab-results-consumer";

// The RabbitMQ broker of the development machine. Each test creates and deletes its own queues.
const AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
const TOPIC = "clinical.lab-results";

function labResult(overrides: Partial<LabResult> = {}): LabResult {
  return {
    recordId: randomUUID(),
    schemaVersion: SCHEMA_VERSION,
    patientId: "PT-00aa11bb22cc",
    trialId: "TRIAL-01",
    siteId: "SITE-01-02",
    eventTime: "2024-07-01T06:30:00.000Z",
    recordType: "lab-result",
    accessionNumber: "ACC-3f9a2c71",
    panel: "CMP",
    analyte: "GLU",
    value: 100,
    unit: "mg/dL",
    ...overrides,
  };
}

async function waitFor(condition: () => Promise<boolean> | boolean, description: string) {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after 5000 ms waiting for ${description}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("LabResultsConsumer with RabbitMQ", function () {
  let connection: ChannelModel;
  let control: Channel;
  let processorChannel: ConfirmChannel;
  let topology: MqTopology;
  let kafka: FakeKafka;
  let producer: FakeRecordProducer;
  let consumer: LabResultsConsumer;
  let releaseSend: () => void;

  beforeEach(async () => {
    connection = await connect(AMQP_URL);
    control = await connection.createChannel();
    topology = topologyWithSuffix(`test-${randomUUID()}`);
    await assertTopology(control, topology);

    releaseSend = () => undefined;
    kafka = new FakeKafka({ [TOPIC]: 3 });
    producer = kafka.producer();
    consumer = new LabResultsConsumer({
      producer,
      topic: TOPIC,
      topology,
      logger: createLogger({ service: "lab-results-processor-test", level: "silent" }),
      retryInitialDelayMs: 5,
      retryMaxDelayMs: 20,
    });
    processorChannel = await connection.createConfirmChannel();
    await consumer.attach(processorChannel, 8);
  });

  afterEach(async () => {
    releaseSend();
    try {
      await consumer.stopConsuming();
      await processorChannel.close().catch(() => undefined);
      await consumer.drain();
    } finally {
      await deleteTopology(control, topology);
      await connection.close();
    }
  });

  /** Holds every Kafka write until `releaseSend` is called. */
  function holdKafkaWrites(): void {
    producer.beforeSend = () => new Promise<void>((resolve) => (releaseSend = resolve));
  }

  function publish(body: string | object): void {
    const content = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    control.publish(topology.exchange, topology.routingKey, content, {
      persistent: true,
      contentType: "application/json",
      messageId: "message-1",
    });
  }

  async function readyCount(queue: string): Promise<number> {
    return (await control.checkQueue(queue)).messageCount;
  }

  /**
   * Closes the processor's channel and waits, because RabbitMQ requeues unacknowledged
   * messages asynchronously. A ready count of 0 afterwards means the message was acknowledged.
   */
  async function closeProcessorChannel(): Promise<void> {
    await processorChannel.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  it("writes converted results and acknowledges", async () => {
    const submitted = labResult({ value: 40 });
    publish(submitted);

    await waitFor(() => kafka.records(TOPIC).length === 1, "the Kafka write");
    await waitFor(() => consumer.inFlightCount === 0, "the acknowledgement");
    const [written] = kafka.values<ProcessedLabResult>(TOPIC);
    assert.equal(written.recordId, submitted.recordId);
    assert.equal(written.canonicalValue, 2.22);
    assert.equal(written.flag, "critical-low");
    assert.equal(kafka.records(TOPIC)[0].key?.toString(), submitted.patientId);

    await closeProcessorChannel();
    assert.equal(await readyCount(topology.queue), 0);
    assert.equal(await readyCount(topology.deadLetterQueue), 0);
  });

  it("moves poison messages to the DLQ with the reason", async () => {
    const poison: [string | object, string, RegExp][] = [
      ["{not json", "invalid-json", /^invalid JSON: /],
      [{ ...labResult(), accessionNumber: "42" }, "invalid-schema", /accessionNumber: /],
      [labResult({ analyte: "XYZ" }), "unknown-analyte", /XYZ is not in the lab catalog/],
      [labResult({ unit: "mg/L" }), "unknown-unit", /unit mg\/L is not accepted for GLU/],
    ];
    for (const [body] of poison) {
      publish(body);
    }

    await waitFor(
      async () => (await readyCount(topology.deadLetterQueue)) === poison.length,
      "every poison message in the DLQ",
    );
    const byKind = new Map<string, { reason: string; body: string; messageId: string }>();
    for (let i = 0; i < poison.length; i++) {
      const message = await control.get(topology.deadLetterQueue, { noAck: true });
      assert.ok(message, "a dead-lettered message");
      const headers = message.properties.headers ?? {};
      byKind.set(String(headers[REJECTION_KIND_HEADER]), {
        reason: String(headers[REJECTION_REASON_HEADER]),
        body: message.content.toString(),
        messageId: message.properties.messageId,
      });
    }

    for (const [body, kind, reason] of poison) {
      const entry = byKind.get(kind);
      assert.ok(entry, `a dead-lettered message of kind ${kind}`);
      assert.match(entry.reason, reason);
      assert.equal(entry.body, typeof body === "string" ? body : JSON.stringify(body));
      assert.equal(entry.messageId, "message-1");
    }
    assert.equal(kafka.records(TOPIC).length, 0);
    await waitFor(() => consumer.inFlightCount === 0, "the acknowledgements");
    await closeProcessorChannel();
    assert.equal(await readyCount(topology.queue), 0);
  });

  it("acknowledges only after the Kafka write", async () => {
    holdKafkaWrites();
    publish(labResult());

    await waitFor(() => producer.sendCalls === 1, "the Kafka write to start");
    assert.equal(await readyCount(topology.queue), 0, "the message is delivered");

    // Closing the channel while the write is pending returns the message to the queue.
    await processorChannel.close();
    await waitFor(async () => (await readyCount(topology.queue)) === 1, "the requeued message");
    releaseSend();
  });

  it("acknowledges once the write completes", async () => {
    holdKafkaWrites();
    publish(labResult());

    await waitFor(() => producer.sendCalls === 1, "the Kafka write to start");
    releaseSend();
    await waitFor(() => consumer.inFlightCount === 0, "the acknowledgement");

    await closeProcessorChannel();
    assert.equal(await readyCount(topology.queue), 0);
    assert.equal(kafka.records(TOPIC).length, 1);
  });

  it("retries a failing Kafka write without requeueing", async () => {
    let failures = 3;
    producer.beforeSend = () => {
      if (failures-- > 0) {
        throw new Error("injected Kafka failure");
      }
    };
    publish(labResult());

    await waitFor(() => kafka.records(TOPIC).length === 1, "the Kafka write");
    await waitFor(() => consumer.inFlightCount === 0, "the acknowledgement");
    assert.equal(producer.sendCalls, 4);
    assert.equal(consumer.isKafkaHealthy(), true);

    await closeProcessorChannel();
    assert.equal(await readyCount(topology.queue), 0);
    assert.equal(await readyCount(topology.deadLetterQueue), 0);
  });

  it("leaves unwritten messages unacknowledged on shutdown", async () => {
    producer.beforeSend = () => {
      throw new Error("injected Kafka outage");
    };
    publish(labResult());

    await waitFor(() => producer.sendCalls >= 2, "a retried Kafka write");
    assert.equal(consumer.isKafkaHealthy(), false);
    await consumer.stopConsuming();
    await consumer.drain();
    assert.equal(consumer.inFlightCount, 0);

    await processorChannel.close();
    await waitFor(async () => (await readyCount(topology.queue)) === 1, "the requeued message");
    assert.equal(await readyCount(topology.deadLetterQueue), 0);
    assert.equal(kafka.records(TOPIC).length, 0);
  });
});
