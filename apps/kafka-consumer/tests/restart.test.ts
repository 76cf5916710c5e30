import assert from "node:assert/strict";

import { FakeKafka } from "../../shared/testing/fake-kafka";
import { startTestS3Server, type TestS3Server } from "../../shared/testing/s3-server";
import { BronzeWriter } from "../src/bronze-writer";
import { S3ObjectStore } from "../src/object-store";
import { readBronze, silentLogger, vitalsRecord, waitFor } from "./helpers";

const TOPICS = { "clinical.vitals": 3, "clinical.adverse-events": 3 };
const GROUP = "bronze-writer";
const HOURS = ["2024-06-30T09:10:00.000Z", "2024-06-30T10:20:00.000Z"];

/** Appends `count` records spread over both topics, their partitions and two hours. */
function appendRecords(kafka: FakeKafka, count: number): void {
  const topics = Object.keys(TOPICS);
  for (let i = 0; i < count; i++) {
    const topic = topics[i % topics.length];
    const partition = Math.floor(i / topics.length) % 3;
    const record = vitalsRecord(partition, 0n, HOURS[Math.floor(i / 7) % 2], topic);
    kafka.append(topic, { key: record.key, value: record.value, partition });
  }
}

/** Returns every `topic:partition:offset` in the fake Kafka. */
function allCoordinates(kafka: FakeKafka): string[] {
  return Object.keys(TOPICS).flatMap((topic) =>
    [0, 1, 2].flatMap((partition) =>
      kafka.records(topic, partition).map((_, offset) => `${topic}:${partition}:${offset}`),
    ),
  );
}

/** Returns the number of records after the group's committed offsets. */
function countUncommitted(kafka: FakeKafka): number {
  const committed = kafka.committed(GROUP);
  let count = 0;
  for (const topic of Object.keys(TOPICS)) {
    for (const partition of [0, 1, 2]) {
      const start = Number(committed.get(`${topic}:${partition}`) ?? 0n);
      count += kafka.records(topic, partition).length - start;
    }
  }
  return count;
}

describe("bronze writer restart", function () {
  let server: TestS3Server;

  before(async () => {
    server = await startTestS3Server();
  });

  after(async () => {
    await server.stop();
  });

  function startWriter(kafka: FakeKafka, prefix: string) {
    const consumer = kafka.consumer(GROUP, Object.keys(TOPICS));
    const writer = new BronzeWriter({
      store: new S3ObjectStore(server.client, server.env.S3_BUCKET),
      committer: consumer,
      logger: silentLogger,
      limits: { maxRecords: 15, maxBytes: 1024 * 1024, maxAgeMs: 60_000 },
      maxConcurrentUploads: 2,
      prefix,
    });
    let handled = 0;
    const running = consumer.run((record) => {
      handled++;
      return writer.handle(record);
    });
    return { consumer, writer, running, handled: () => handled };
  }

  it("loses nothing after a crash", async () => {
    const kafka = new FakeKafka(TOPICS);
    const prefix = "restart-crash";
    appendRecords(kafka, 400);

    // First process: reads everything, writes the full batches, then dies without flushing.
    const first = startWriter(kafka, prefix);
    await waitFor(() => first.handled() === 400, "the first process to read every record");
    await first.consumer.stop();
    await waitFor(() => first.writer.uploadsInFlight === 0, "the first process's writes");
    const lostInMemory = first.writer.pendingRecords;
    assert.ok(lostInMemory > 0, "the crash must leave records that were never written");

    // Second process: same group, reads from the committed offsets and shuts down cleanly.
    appendRecords(kafka, 50);
    const unread = countUncommitted(kafka);
    assert.ok(unread >= 50 + lostInMemory, `${unread} uncommitted records`);
    const second = startWriter(kafka, prefix);
    await waitFor(() => second.handled() === unread, "the second process to catch up");
    await second.consumer.stop();
    await second.writer.close();

    const objects = await readBronze(server, prefix);
    const written = [...objects.values()]
      .flat()
      .map((line) => `${line.topic}:${line.partition}:${line.offset}`);
    assert.deepEqual(new Set(written), new Set(allCoordinates(kafka)));

    const committed = kafka.committed(GROUP);
    for (const topic of Object.keys(TOPICS)) {
      for (const partition of [0, 1, 2]) {
        const end = BigInt(kafka.records(topic, partition).length);
        assert.equal(committed.get(`${topic}:${partition}`), end, `${topic}:${partition}`);
      }
    }
  });

  it("resumes without duplicates after shutdown", async () => {
    const kafka = new FakeKafka(TOPICS);
    const prefix = "restart-clean";
    appendRecords(kafka, 120);

    const first = startWriter(kafka, prefix);
    await waitFor(() => first.handled() === 120, "the first process to read every record");
    await first.consumer.stop();
    await first.writer.close();

    appendRecords(kafka, 30);
    const second = startWriter(kafka, prefix);
    await waitFor(() => second.handled() === 30, "the second process to read the new records");
    await second.consumer.stop();
    await second.writer.close();

    const objects = await readBronze(server, prefix);
    const written = [...objects.values()]
      .flat()
      .map((line) => `${line.topic}:${line.partition}:${line.offset}`);
    assert.equal(written.length, 150);
    assert.deepEqual(new Set(written), new Set(allCoordinates(kafka)));
  });
});
