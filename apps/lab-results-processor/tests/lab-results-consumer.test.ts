import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";

import { MultipleErrors, NetworkError, ProtocolError } from "@platformatic/kafka";
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";
import { Registry } from "prom-client";

import { createLogger } from "../../shared/src/logger";
import {
  assertTopology,
  deleteTopology,
  topologyWithSuffix,
  type MqTopology,
} from "../../shared/src/mq";
import { SCHEMA_VERSION, type LabResult, type ProcessedLabResult } from "../../shared/src/records";
import { FakeKafka, type FakeRecordProducer } from "../../shared/testing/fake-kafka";
import { DEAD_LETTER_ID_HEADER } from "../src/dead-letter-publisher";
import {
  LabResultsConsumer,
  REJECTION_KIND_HEADER,
  REJECTION_REASON_HEADER,
} from "../src/lab-results-consumer";
import { ProcessorMetrics } from "../src/metrics";

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
  let metrics: ProcessorMetrics;
  let releaseSend: () => void;

  beforeEach(async () => {
    connection = await connect(AMQP_URL);
    control = await connection.createChannel();
    topology = topologyWithSuffix(`test-${randomUUID()}`);
    await assertTopology(control, topology);

    releaseSend = () => undefined;
    kafka = new FakeKafka({ [TOPIC]: 3 });
    producer = kafka.producer();
    metrics = new ProcessorMetrics(new Registry());
    consumer = new LabResultsConsumer({
      producer,
      topic: TOPIC,
      topology,
      logger: createLogger({ service: "lab-results-processor-test", level: "silent" }),
      metrics,
      retryInitialDelayMs: 5,
      retryMaxDelayMs: 20,
      maxKafkaAttempts: 3,
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
   * Returns the ready count of a queue, or undefined when it does not exist. It uses a channel
   * of its own, because RabbitMQ closes the channel of a check on a missing queue.
   */
  async function readyCountIfExists(queue: string): Promise<number | undefined> {
    const channel = await connection.createChannel();
    channel.on("error", () => undefined);
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } catch {
      return undefined;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Makes every Kafka write fail as if the brokers were unreachable. */
  function failKafkaWrites(): void {
    producer.beforeSend = () => {
      throw new MultipleErrors("Cannot connect to any broker.", [
        new NetworkError("Connection to 127.0.0.1:9092 failed"),
      ]);
    };
  }

  async function getDeadLettered() {
    const message = await control.get(topology.deadLetterQueue, { noAck: true });
    assert.ok(message, "the DLQ is empty");
    return message;
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
        throw new NetworkError("injected Kafka connection failure");
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
    failKafkaWrites();
    publish(labResult());

    // More attempts than maxKafkaAttempts: an unreachable broker is retried without limit.
    await waitFor(() => producer.sendCalls >= 6, "retried Kafka writes");
    assert.equal(await readyCount(topology.deadLetterQueue), 0);
    assert.equal(consumer.isKafkaHealthy(), false);
    await consumer.stopConsuming();
    await consumer.drain();
    assert.equal(consumer.inFlightCount, 0);

    await processorChannel.close();
    await waitFor(async () => (await readyCount(topology.queue)) === 1, "the requeued message");
    assert.equal(await readyCount(topology.deadLetterQueue), 0);
    assert.equal(kafka.records(TOPIC).length, 0);
  });

  it("dead-letters a result that Kafka rejects", async () => {
    producer.beforeSend = () => {
      throw new ProtocolError("MESSAGE_TOO_LARGE");
    };
    publish(labResult());

    await waitFor(
      async () => (await readyCount(topology.deadLetterQueue)) === 1,
      "the message in the DLQ",
    );
    const message = await getDeadLettered();
    const headers = message.properties.headers ?? {};
    assert.equal(headers[REJECTION_KIND_HEADER], "kafka-rejected");
    assert.equal(
      headers[REJECTION_REASON_HEADER],
      "Kafka did not accept the result: The request included a message larger than the max " +
        "message size the server will accept",
    );
    assert.equal(producer.sendCalls, 1);
    assert.equal(consumer.isKafkaHealthy(), true);

    await waitFor(() => consumer.inFlightCount === 0, "the acknowledgement");
    await closeProcessorChannel();
    assert.equal(await readyCount(topology.queue), 0);
  });

  it("dead-letters after maxKafkaAttempts other failures", async () => {
    producer.beforeSend = () => {
      throw new Error("injected serializer bug");
    };
    publish(labResult());

    await waitFor(
      async () => (await readyCount(topology.deadLetterQueue)) === 1,
      "the message in the DLQ",
    );
    const message = await getDeadLettered();
    const headers = message.properties.headers ?? {};
    assert.equal(headers[REJECTION_KIND_HEADER], "kafka-rejected");
    assert.equal(
      headers[REJECTION_REASON_HEADER],
      "Kafka did not accept the result: injected serializer bug",
    );
    assert.equal(producer.sendCalls, 3);

    await waitFor(() => consumer.inFlightCount === 0, "the acknowledgement");
    await closeProcessorChannel();
    assert.equal(await readyCount(topology.queue), 0);
  });

  it("keeps a poison message when the DLQ is missing", async () => {
    await control.deleteQueue(topology.deadLetterQueue);
    publish("{not json");

    // The returned copy makes the consumer declare the DLQ again and requeue the original,
    // whose next delivery reaches the DLQ with the reason.
    await waitFor(
      async () => (await readyCountIfExists(topology.deadLetterQueue)) === 1,
      "the message in the declared DLQ",
    );
    const message = await getDeadLettered();
    const headers = message.properties.headers ?? {};
    assert.equal(message.content.toString(), "{not json");
    assert.equal(headers[REJECTION_KIND_HEADER], "invalid-json");
    assert.equal(typeof headers[DEAD_LETTER_ID_HEADER], "string");
    const failures = (await metrics.deadLetterFailures.get()).values[0]?.value ?? 0;
    assert.ok(failures >= 1, "no dead-letter publish failed, so the DLQ was never missing");

    await waitFor(() => consumer.inFlightCount === 0, "the acknowledgement");
    await closeProcessorChannel();
    assert.equal(await readyCount(topology.queue), 0);
  });
});
