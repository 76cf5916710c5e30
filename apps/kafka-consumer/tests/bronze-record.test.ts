import assert from "node:assert/strict";

import type { ConsumedRecord } from "../../shared/src/kafka-consumer";
import { bronzeObjectKey, toBronzeEntry } from "../src/bronze-record";

// 2024-05-01T23:59:59.000Z
const KAFKA_TIMESTAMP = BigInt(Date.UTC(2024, 4, 1, 23, 59, 59));

function consumed(value: string, overrides: Partial<ConsumedRecord> = {}): ConsumedRecord {
  return {
    topic: "clinical.vitals",
    partition: 2,
    offset: 41n,
    timestamp: KAFKA_TIMESTAMP,
    key: Buffer.from("PT-0123456789ab"),
    value: Buffer.from(value, "utf8"),
    ...overrides,
  };
}

describe("toBronzeEntry", () => {
  const placementCases: {
    name: string;
    value: string;
    timestamp?: bigint;
    dt: string;
    hour: string;
    timeSource: string;
  }[] = [
    {
      name: "places by the UTC event time",
      value: '{"recordId":"r1","eventTime":"2024-06-30T07:15:00.000Z"}',
      dt: "2024-06-30",
      hour: "07",
      timeSource: "eventTime",
    },
    {
      name: "converts an event time offset to UTC",
      value: '{"recordId":"r1","eventTime":"2024-06-30T23:30:00+02:00"}',
      dt: "2024-06-30",
      hour: "21",
      timeSource: "eventTime",
    },
    {
      name: "uses Kafka time for eventTime without offset",
      value: '{"recordId":"r1","eventTime":"2024-06-30T07:15:00"}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "uses Kafka time for eventTime with fraction and no offset",
      value: '{"recordId":"r1","eventTime":"2024-06-30T07:15:00.123"}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "uses Kafka time for a date without time",
      value: '{"recordId":"r1","eventTime":"2024-06-30"}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "converts a negative event time offset to UTC",
      value: '{"recordId":"r1","eventTime":"2024-06-30T22:30:00.5-05:00"}',
      dt: "2024-07-01",
      hour: "03",
      timeSource: "eventTime",
    },
    {
      name: "uses Kafka time without eventTime",
      value: '{"recordId":"r1"}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "uses Kafka time for unparseable eventTime",
      value: '{"recordId":"r1","eventTime":"yesterday"}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "accepts a leap day",
      value: '{"recordId":"r1","eventTime":"2024-02-29T13:00:00Z"}',
      dt: "2024-02-29",
      hour: "13",
      timeSource: "eventTime",
    },
    {
      name: "uses Kafka time for a day that does not exist",
      value: '{"recordId":"r1","eventTime":"2023-02-29T13:00:00Z"}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "reads 24:00 as the next midnight",
      value: '{"recordId":"r1","eventTime":"2024-06-30T24:00:00Z"}',
      dt: "2024-07-01",
      hour: "00",
      timeSource: "eventTime",
    },
    {
      name: "uses Kafka time for numeric eventTime",
      value: '{"recordId":"r1","eventTime":1714600000000}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "uses Kafka time past year 9999",
      value: '{"recordId":"r1","eventTime":"+010000-01-01T00:00:00.000Z"}',
      dt: "2024-05-01",
      hour: "23",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "uses the epoch for timestamp -1",
      value: '{"recordId":"r1"}',
      timestamp: -1n,
      dt: "1970-01-01",
      hour: "00",
      timeSource: "kafkaTimestamp",
    },
    {
      name: "uses the epoch for out-of-range timestamps",
      value: "{}",
      timestamp: 9_000_000_000_000_000n,
      dt: "1970-01-01",
      hour: "00",
      timeSource: "kafkaTimestamp",
    },
  ];

  for (const testCase of placementCases) {
    it(testCase.name, () => {
      const entry = toBronzeEntry(
        consumed(testCase.value, { timestamp: testCase.timestamp ?? KAFKA_TIMESTAMP }),
      );
      assert.equal(entry.dt, testCase.dt);
      assert.equal(entry.hour, testCase.hour);
      assert.equal(entry.timeSource, testCase.timeSource);
    });
  }

  it("keeps coordinates, record id and the record", () => {
    const value = '{"recordId":"5b7c","eventTime":"2024-06-30T07:15:00.000Z","heartRateBpm":72}';
    const entry = toBronzeEntry(consumed(value));

    assert.deepEqual(JSON.parse(entry.line), {
      topic: "clinical.vitals",
      partition: 2,
      offset: 41,
      kafkaTimestamp: Number(KAFKA_TIMESTAMP),
      recordId: "5b7c",
      record: { recordId: "5b7c", eventTime: "2024-06-30T07:15:00.000Z", heartRateBpm: 72 },
    });
  });

  it("re-serialises a value that spans lines", () => {
    const entry = toBronzeEntry(consumed('{\n  "recordId": "r9",\n  "n": 1\n}'));

    assert.equal(entry.line.includes("\n"), false);
    assert.deepEqual(JSON.parse(entry.line).record, { recordId: "r9", n: 1 });
  });

  it("sets recordId null when the value has none", () => {
    for (const value of ['{"recordId":7}', "[1,2]", '"text"', "null"]) {
      const line = JSON.parse(toBronzeEntry(consumed(value)).line);
      assert.equal(line.recordId, null, value);
      assert.deepEqual(line.record, JSON.parse(value), value);
    }
  });

  it("keeps a value that is not JSON as base64", () => {
    const raw = Buffer.from([0x7b, 0xff, 0x0a, 0x22]);
    const entry = toBronzeEntry(consumed("", { value: raw }));
    const line = JSON.parse(entry.line);

    assert.equal(line.recordId, null);
    assert.equal(line.record, undefined);
    assert.match(line.error, /^invalid JSON: SyntaxError/);
    assert.deepEqual(Buffer.from(line.rawValueBase64, "base64"), raw);
    assert.equal(entry.timeSource, "kafkaTimestamp");
    assert.equal(entry.dt, "2024-05-01");
  });
});

describe("bronzeObjectKey", () => {
  it("builds the partitioned, zero-padded key", () => {
    const key = bronzeObjectKey({
      prefix: "bronze",
      topic: "clinical.adverse-events",
      dt: "2024-06-30",
      hour: "07",
      partition: 2,
      firstOffset: 1200n,
      lastOffset: 1299n,
      uniqueId: "c0ffee",
    });

    assert.equal(
      key,
      "bronze/clinical.adverse-events/dt=2024-06-30/hour=07/" +
        "p002-0000000000000001200-0000000000000001299-c0ffee.ndjson.gz",
    );
  });

  it("sorts keys by partition, then offset", () => {
    const keyOf = (partition: number, firstOffset: bigint) =>
      bronzeObjectKey({
        prefix: "bronze",
        topic: "t",
        dt: "2024-01-01",
        hour: "00",
        partition,
        firstOffset,
        lastOffset: firstOffset + 5n,
        uniqueId: "x",
      });
    const keys = [keyOf(10, 5n), keyOf(2, 100n), keyOf(2, 9n)];

    assert.deepEqual([...keys].sort(), [keyOf(2, 9n), keyOf(2, 100n), keyOf(10, 5n)]);
  });
});
