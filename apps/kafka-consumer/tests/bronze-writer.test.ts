import assert from "node:assert/strict";

import { FakeKafka, type FakeRecordConsumer } from "../../shared/testing/fake-kafka";
import { startTestS3Server, type TestS3Server } from "../../shared/testing/s3-server";
import type { BatchLimits } from "../src/bronze-batch";
import { toBronzeEntry } from "../src/bronze-record";
import { BronzeWriter } from "../src/bronze-writer";
import { S3ObjectStore } from "../src/object-store";
import { ControlledStore, readBronze, silentLogger, vitalsRecord, waitFor } from "./helpers";

const HOUR_10 = "2024-06-30T10:15:00.000Z";
const HOUR_11 = "2024-06-30T11:45:00.000Z";
const LARGE: BatchLimits = { maxRecords: 1000, maxBytes: 1024 * 1024, maxAgeMs: 60_000 };

describe("BronzeWriter", function () {
  let server: TestS3Server;
  let testNumber = 0;
  let prefix: string;
  let store: ControlledStore;
  let committer: FakeRecordConsumer;

  before(async () => {
    server = await startTestS3Server();
  });

  after(async () => {
    await server.stop();
  });

  beforeEach(() => {
    testNumber++;
    prefix = `writer-test-${testNumber}`;
    store = new ControlledStore(new S3ObjectStore(server.client, server.env.S3_BUCKET));
    committer = new FakeKafka({ "clinical.vitals": 3 }).consumer("bronze", ["clinical.vitals"]);
  });

  function createWriter(limits: Partial<BatchLimits>, extra: { now?: () => number } = {}) {
    return new BronzeWriter({
      store,
      committer,
      logger: silentLogger,
      limits: { ...LARGE, ...limits },
      maxConcurrentUploads: 4,
      prefix,
      retryInitialDelayMs: 5,
      retryMaxDelayMs: 20,
      newId: () => "id",
      ...extra,
    });
  }

  it("writes partitioned gzip NDJSON objects", async () => {
    const writer = createWriter({});
    await writer.handle(vitalsRecord(1, 0n, HOUR_10));
    await writer.handle(vitalsRecord(1, 1n, HOUR_11));
    await writer.handle(vitalsRecord(1, 2n, HOUR_10));
    await writer.close();

    const objects = await readBronze(server, prefix);
    const directory = `${prefix}/clinical.vitals/dt=2024-06-30`;
    assert.deepEqual(
      [...objects.keys()],
      [
        `${directory}/hour=10/p001-0000000000000000000-0000000000000000002-id.ndjson.gz`,
        `${directory}/hour=11/p001-0000000000000000001-0000000000000000001-id.ndjson.gz`,
      ],
    );
    const hour10 = [...objects.values()][0];
    assert.deepEqual(
      hour10.map((line) => [line.topic, line.partition, line.offset]),
      [
        ["clinical.vitals", 1, 0],
        ["clinical.vitals", 1, 2],
      ],
    );
    assert.equal(hour10[0].recordId, hour10[0].record?.recordId);
    // The two objects are written concurrently, so an intermediate commit of offset 1 is
    // possible when hour 10 finishes first.
    assert.deepEqual(committer.commits.at(-1), [
      { topic: "clinical.vitals", partition: 1, offset: 3n },
    ]);
  });

  it("stores objects without a Content-Encoding", async () => {
    const writer = createWriter({});
    await writer.handle(vitalsRecord(0, 0n, HOUR_10));
    await writer.close();

    const [key] = await server.listKeys(prefix);
    const { contentEncoding } = await server.getObject(key);
    assert.equal(contentEncoding, undefined);
  });

  it("flushes at the record count limit", async () => {
    const writer = createWriter({ maxRecords: 3 });
    for (let offset = 0n; offset < 7n; offset++) {
      await writer.handle(vitalsRecord(0, offset, HOUR_10));
    }
    await waitFor(() => store.written.length === 2, "two full batches");
    assert.equal(writer.pendingRecords, 1);

    await writer.close();
    const sizes = [...(await readBronze(server, prefix)).values()].map((lines) => lines.length);
    assert.deepEqual(sizes, [3, 3, 1]);
  });

  it("flushes before exceeding the byte limit", async () => {
    const records = Array.from({ length: 5 }, (_, i) => vitalsRecord(0, BigInt(i), HOUR_10));
    const lineBytes = records.map((record) => Buffer.byteLength(toBronzeEntry(record).line) + 1);
    // Room for two lines but not three.
    const maxBytes = lineBytes[0] + lineBytes[1] + Math.floor(lineBytes[2] / 2);
    const writer = createWriter({ maxBytes });
    for (const record of records) {
      await writer.handle(record);
    }
    await writer.close();

    const objects = await readBronze(server, prefix);
    assert.deepEqual(
      [...objects.values()].map((lines) => lines.map((line) => line.offset)),
      [[0, 1], [2, 3], [4]],
    );
  });

  it("writes a record larger than the byte limit alone", async () => {
    const writer = createWriter({ maxBytes: 10 });
    await writer.handle(vitalsRecord(0, 0n, HOUR_10));
    await writer.handle(vitalsRecord(0, 1n, HOUR_10));
    await writer.close();

    const objects = await readBronze(server, prefix);
    assert.deepEqual(
      [...objects.values()].map((lines) => lines.length),
      [1, 1],
    );
  });

  it("flushes at the age limit", async () => {
    let now = 1_000_000;
    const writer = createWriter({ maxAgeMs: 500 }, { now: () => now });
    await writer.handle(vitalsRecord(0, 0n, HOUR_10));
    now += 200;
    await writer.handle(vitalsRecord(0, 1n, HOUR_10));

    now += 299;
    writer.flushExpired();
    assert.equal(store.attempts, 0);

    now += 1;
    writer.flushExpired();
    await waitFor(() => store.written.length === 1, "the expired batch");
    const [lines] = [...(await readBronze(server, prefix)).values()];
    assert.equal(lines.length, 2);
    await writer.close();
  });

  it("commits only after a slow write resolves", async () => {
    const writer = createWriter({ maxRecords: 2 });
    store.hold();
    await writer.handle(vitalsRecord(0, 0n, HOUR_10));
    await writer.handle(vitalsRecord(0, 1n, HOUR_10));
    await waitFor(() => store.attempts === 1, "the write to start");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(committer.commits, []);

    store.release();
    await waitFor(() => committer.commits.length === 1, "the commit");
    assert.deepEqual(committer.commits[0], [
      { topic: "clinical.vitals", partition: 0, offset: 2n },
    ]);
    await writer.close();
  });

  it("retries failing writes, then commits", async () => {
    const writer = createWriter({ maxRecords: 2 });
    let failing = true;
    store.failWhen = () => failing;
    await writer.handle(vitalsRecord(2, 10n, HOUR_10));
    await writer.handle(vitalsRecord(2, 11n, HOUR_10));

    await waitFor(() => store.attempts >= 2, "a second failed attempt");
    assert.equal(writer.isHealthy(), false);
    assert.deepEqual(store.written, []);
    assert.deepEqual(committer.commits, []);

    failing = false;
    await waitFor(() => committer.commits.length === 1, "the commit");
    assert.equal(store.written.length, 1);
    assert.equal(writer.isHealthy(), true);
    assert.deepEqual(committer.commits[0], [
      { topic: "clinical.vitals", partition: 2, offset: 12n },
    ]);
    await writer.close();
  });

  it("holds commits behind an unwritten earlier batch", async () => {
    const writer = createWriter({ maxRecords: 2 });
    await writer.handle(vitalsRecord(0, 0n, HOUR_10));
    await writer.handle(vitalsRecord(0, 1n, HOUR_11));
    await writer.handle(vitalsRecord(0, 2n, HOUR_11));
    await waitFor(() => store.written.length === 1, "the hour 11 batch");
    await writer.commitWritten();

    assert.deepEqual(committer.commits, []);

    await writer.close();
    assert.deepEqual(committer.commits.at(-1), [
      { topic: "clinical.vitals", partition: 0, offset: 3n },
    ]);
  });

  it("never commits past an unwritten batch", async () => {
    const controller = new AbortController();
    const writer = new BronzeWriter({
      store,
      committer,
      logger: silentLogger,
      limits: { ...LARGE, maxRecords: 2 },
      maxConcurrentUploads: 4,
      prefix,
      retryInitialDelayMs: 5,
      retryMaxDelayMs: 20,
      signal: controller.signal,
    });
    store.failWhen = (key) => key.includes("/hour=10/");
    await writer.handle(vitalsRecord(0, 0n, HOUR_10));
    await writer.handle(vitalsRecord(0, 1n, HOUR_10));
    await writer.handle(vitalsRecord(0, 2n, HOUR_11));
    await writer.handle(vitalsRecord(0, 3n, HOUR_11));
    await waitFor(() => store.attempts >= 3, "failed attempts");

    controller.abort(new Error("shutting down"));
    await assert.rejects(writer.close(), /1 bronze batch\(es\) could not be written/);
    assert.equal(store.written.length, 1);
    assert.deepEqual(committer.commits, []);
  });

  it("waits for a free upload slot", async () => {
    const writer = new BronzeWriter({
      store,
      committer,
      logger: silentLogger,
      limits: { ...LARGE, maxRecords: 1 },
      maxConcurrentUploads: 2,
      prefix,
    });
    store.hold();
    assert.equal(writer.handle(vitalsRecord(0, 0n, HOUR_10)), undefined);
    const blocked = writer.handle(vitalsRecord(0, 1n, HOUR_10));
    assert.ok(blocked instanceof Promise);

    let settled = false;
    void blocked.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(settled, false);

    store.release();
    await blocked;
    await writer.close();
    assert.equal(store.written.length, 2);
  });
});
