import assert from "node:assert/strict";

import { committableOffsets, type PartitionPosition, type UnwrittenRange } from "../src/offsets";

const position = (partition: number, nextOffset: bigint, startOffset = 0n): PartitionPosition => ({
  topic: "clinical.vitals",
  partition,
  startOffset,
  nextOffset,
});
const unwritten = (partition: number, firstOffset: bigint): UnwrittenRange => ({
  topic: "clinical.vitals",
  partition,
  firstOffset,
});

describe("committableOffsets", () => {
  const cases: {
    name: string;
    positions: PartitionPosition[];
    unwritten: UnwrittenRange[];
    committed: [string, bigint][];
    expected: [number, bigint][];
  }[] = [
    {
      name: "commits the next offset when all is written",
      positions: [position(0, 10n)],
      unwritten: [],
      committed: [],
      expected: [[0, 10n]],
    },
    {
      name: "stops at the first unwritten offset",
      positions: [position(0, 10n)],
      unwritten: [unwritten(0, 4n)],
      committed: [],
      expected: [[0, 4n]],
    },
    {
      name: "takes the lowest of several unwritten batches",
      positions: [position(0, 30n)],
      unwritten: [unwritten(0, 20n), unwritten(0, 7n), unwritten(0, 12n)],
      committed: [],
      expected: [[0, 7n]],
    },
    {
      name: "skips partitions that did not advance",
      positions: [position(0, 10n), position(1, 5n)],
      unwritten: [],
      committed: [
        ["clinical.vitals:0", 10n],
        ["clinical.vitals:1", 3n],
      ],
      expected: [[1, 5n]],
    },
    {
      name: "never moves a commit backwards",
      positions: [position(0, 10n)],
      unwritten: [unwritten(0, 6n)],
      committed: [["clinical.vitals:0", 8n]],
      expected: [],
    },
    {
      name: "skips a commit at the start offset",
      positions: [position(0, 30n, 20n)],
      unwritten: [unwritten(0, 20n)],
      committed: [],
      expected: [],
    },
    {
      name: "commits past the start offset",
      positions: [position(0, 30n, 20n)],
      unwritten: [unwritten(0, 25n)],
      committed: [],
      expected: [[0, 25n]],
    },
    {
      name: "keeps partitions independent",
      positions: [position(0, 10n), position(2, 50n)],
      unwritten: [unwritten(2, 41n)],
      committed: [],
      expected: [
        [0, 10n],
        [2, 41n],
      ],
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const offsets = committableOffsets(
        testCase.positions,
        testCase.unwritten,
        new Map(testCase.committed),
      );

      assert.deepEqual(
        offsets,
        testCase.expected.map(([partition, offset]) => ({
          topic: "clinical.vitals",
          partition,
          offset,
        })),
      );
    });
  }

  it("separates topics with the same partition number", () => {
    const offsets = committableOffsets(
      [
        position(0, 9n),
        { topic: "clinical.medications", partition: 0, startOffset: 0n, nextOffset: 3n },
      ],
      [unwritten(0, 2n)],
      new Map(),
    );

    assert.deepEqual(offsets, [
      { topic: "clinical.vitals", partition: 0, offset: 2n },
      { topic: "clinical.medications", partition: 0, offset: 3n },
    ]);
  });
});
