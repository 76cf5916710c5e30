import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";

import { BronzeBatch, type BatchLimits } from "../src/bronze-batch";

const LIMITS: BatchLimits = { maxRecords: 3, maxBytes: 100, maxAgeMs: 1000 };

function batchWith(lines: string[]): BronzeBatch {
  const batch = new BronzeBatch("clinical.vitals", 0, "2024-06-30", "10", 5000);
  lines.forEach((line, i) => batch.add(line, Buffer.byteLength(line), BigInt(i)));
  return batch;
}

describe("BronzeBatch", () => {
  it("compresses every line, across zlib chunks", async () => {
    // About 200 KiB, so the lines reach zlib in several chunks.
    const lines = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"pad":"${"é".repeat(50)}"}`);
    const batch = batchWith(lines);

    const text = gunzipSync(await batch.compress()).toString("utf8");
    assert.equal(text, lines.join("\n") + "\n");
    assert.equal(batch.bytes, Buffer.byteLength(text));
    assert.equal(batch.recordCount, 2000);
    assert.equal(batch.firstOffset, 0n);
    assert.equal(batch.lastOffset, 1999n);
  });

  it("compresses a single line", async () => {
    const batch = batchWith(['{"a":1}']);
    assert.equal(gunzipSync(await batch.compress()).toString("utf8"), '{"a":1}\n');
  });

  const limitCases: [string, string[], (batch: BronzeBatch) => boolean, boolean][] = [
    ["is not full below both limits", ["a", "b"], (b) => b.isFull(LIMITS), false],
    ["is full at maxRecords", ["a", "b", "c"], (b) => b.isFull(LIMITS), true],
    ["is full at maxBytes", ["x".repeat(99)], (b) => b.isFull(LIMITS), true],
    ["accepts a line that fits", ["x".repeat(49)], (b) => b.wouldOverflow(49, LIMITS), false],
    ["rejects a line that overflows", ["x".repeat(49)], (b) => b.wouldOverflow(50, LIMITS), true],
    ["accepts any line when empty", [], (b) => b.wouldOverflow(500, LIMITS), false],
    ["is not expired before maxAgeMs", ["a"], (b) => b.isExpired(5999, LIMITS), false],
    ["is expired at maxAgeMs", ["a"], (b) => b.isExpired(6000, LIMITS), true],
  ];

  for (const [name, lines, check, expected] of limitCases) {
    it(name, () => {
      assert.equal(check(batchWith(lines)), expected);
    });
  }
});
