import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { DependencyHealth } from "../../shared/src/health-server";
import { createLogger } from "../../shared/src/logger";
import type { LabResult } from "../../shared/src/records";
import { TOPICS } from "../../shared/src/topics";
import { FakeKafka, FakeRecordProducer } from "../../shared/testing/fake-kafka";
import { GatewayRequestError, type LabResultSink } from "../src/gateway-client";
import { createGenerator, type GeneratedRecord } from "../src/generator";
import { createIngestionMetrics, IngestionLoop } from "../src/ingestion-loop";
import { TokenBucket } from "../src/rate-limiter";

const logger = createLogger({ service: "test", level: "silent" });
const SITE_TOPICS = [TOPICS.vitals.name, TOPICS.medications.name, TOPICS.adverseEvents.name];

/** A gateway that stores batches, or fails while `failures` has entries. */
class RecordingGateway implements LabResultSink {
  readonly batches: LabResult[][] = [];
  failures: Error[] = [];

  async submitBatch(results: readonly LabResult[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) {
      throw failure;
    }
    this.batches.push([...results]);
  }
}

function setUp(options: { labBatchSize?: number; tokens?: number } = {}) {
  const kafka = new FakeKafka(Object.fromEntries(SITE_TOPICS.map((topic) => [topic, 3])));
  const producer: FakeRecordProducer = kafka.producer();
  const gateway = new RecordingGateway();
  const health = new DependencyHealth(["kafka", "gateway"]);
  // A clock that jumps far ahead on each read gives each step `tokens` tokens.
  let clock = 0;
  const tokens = options.tokens ?? 500;
  const limiter = new TokenBucket(tokens, tokens, () => (clock += 10_000));
  const loop = new IngestionLoop({
    generator: createGenerator({ seed: "loop", patientCount: 20, now: () => 0 }),
    kafka: producer,
    gateway,
    limiter,
    logger,
    health,
    metrics: createIngestionMetrics(new Registry()),
    labBatchSize: options.labBatchSize ?? 25,
    labFlushIntervalMs: 60_000,
    retryDelayMs: { initial: 1, max: 2 },
    now: () => 0,
  });
  // A second generator with the same seed reproduces the records that the loop generates.
  const expected = createGenerator({ seed: "loop", patientCount: 20, now: () => 0 });
  return { kafka, producer, gateway, health, loop, expected };
}

function take(generator: { next(): GeneratedRecord }, count: number): GeneratedRecord[] {
  return Array.from({ length: count }, () => generator.next());
}

describe("IngestionLoop", () => {
  it("routes records to topics and the gateway", async () => {
    const { kafka, gateway, health, loop, expected } = setUp({ labBatchSize: 25 });

    const generated = await loop.step();

    assert.equal(generated, 500);
    const records = take(expected, 500);
    for (const topic of SITE_TOPICS) {
      const sent = records.filter((r) => r.destination === "kafka" && r.topic === topic);
      assert.ok(sent.length > 0, `no records generated for ${topic}`);
      const stored = kafka.values<{ recordId: string }>(topic).map((record) => record.recordId);
      assert.deepEqual(stored.sort(), sent.map((r) => r.record.recordId).sort());
    }
    const labs = records.filter((r) => r.destination === "gateway");
    const submitted = gateway.batches.flat();
    // Only full batches are sent before the flush interval; the rest waits.
    assert.equal(submitted.length, Math.floor(labs.length / 25) * 25);
    assert.ok(gateway.batches.every((batch) => batch.length === 25));
    assert.deepEqual(
      submitted.map((result) => result.recordId),
      labs.slice(0, submitted.length).map((r) => r.record.recordId),
    );
    assert.equal(health.isHealthy(), true);

    await loop.flushLabResults(1);
    assert.equal(gateway.batches.flat().length, labs.length);
  });

  it("uses the patient id as the Kafka key", async () => {
    const { kafka, loop } = setUp();
    await loop.step();
    for (const stored of kafka.records(TOPICS.vitals.name)) {
      const record = JSON.parse(stored.value.toString()) as { patientId: string };
      assert.equal(stored.key?.toString(), record.patientId);
    }
  });

  it("retries a failed Kafka send", async () => {
    const { kafka, producer, health, loop } = setUp();
    const healthDuringFailure: boolean[] = [];
    let failuresLeft = 2;
    producer.beforeSend = () => {
      healthDuringFailure.push(health.isHealthy());
      if (failuresLeft-- > 0) {
        throw new Error("broker not available");
      }
    };

    await loop.step();

    const total = SITE_TOPICS.reduce((sum, topic) => sum + kafka.records(topic).length, 0);
    assert.ok(total > 0);
    assert.ok(healthDuringFailure.includes(false), "Kafka was never reported unhealthy");
    assert.equal(health.report().dependencies.kafka, true);
  });

  it("retries a gateway outage and drops a rejected batch", async () => {
    const { gateway, health, loop, expected } = setUp({ labBatchSize: 10 });
    gateway.failures = [
      new GatewayRequestError("POST returned 503", 503, true),
      new GatewayRequestError("POST returned 400", 400, false),
    ];

    await loop.step();

    // Batch 1 gets a 503, is retried, gets a 400 and is dropped; later batches go through.
    const labIds = take(expected, 500)
      .filter((r) => r.destination === "gateway")
      .map((r) => r.record.recordId);
    const fullBatches = Math.floor(labIds.length / 10);
    assert.ok(fullBatches >= 3, `only ${fullBatches} full batches generated`);
    const submittedIds = gateway.batches.flat().map((result) => result.recordId);
    assert.deepEqual(submittedIds, labIds.slice(10, fullBatches * 10));
    assert.equal(health.report().dependencies.gateway, true);
  });

  it("flushes lab results on abort", async () => {
    const { gateway, loop } = setUp({ labBatchSize: 1_000_000, tokens: 50 });
    const controller = new AbortController();

    const running = loop.run(controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(gateway.batches.length, 0);
    controller.abort(new Error("shutting down"));
    await running;

    assert.equal(gateway.batches.length, 1);
    assert.ok(gateway.batches[0].length > 0);
  });
});
