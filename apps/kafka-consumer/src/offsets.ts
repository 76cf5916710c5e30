import type { PartitionOffset } from "../../shared/src/kafka-consumer";

/** Read position of this process in one partition. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  /** Offset of the first record this process read from the partition. */
  startOffset: bigint;
  /** Offset after the last record read. */
  nextOffset: bigint;
}

/** The part of a batch that decides commits: its partition and first offset. */
export interface UnwrittenRange {
  topic: string;
  partition: number;
  firstOffset: bigint;
}

/**
 * Returns, per partition, the offset up to which every consumed record is in a written object:
 * the first offset of the earliest unwritten batch, or the next offset to read when nothing is
 * unwritten. A partition is left out unless its offset is above both the offset committed
 * before (`committed`, keyed `topic:partition`) and the offset this process started at.
 */
export function committableOffsets(
  positions: Iterable<PartitionPosition>,
  unwritten: Iterable<UnwrittenRange>,
  committed: ReadonlyMap<string, bigint>,
): PartitionOffset[] {
  const lowestUnwritten = new Map<string, bigint>();
  for (const range of unwritten) {
    const key = `${range.topic}:${range.partition}`;
    const lowest = lowestUnwritten.get(key);
    if (lowest === undefined || range.firstOffset < lowest) {
      lowestUnwritten.set(key, range.firstOffset);
    }
  }

  const offsets: PartitionOffset[] = [];
  for (const { topic, partition, startOffset, nextOffset } of positions) {
    const key = `${topic}:${partition}`;
    const offset = lowestUnwritten.get(key) ?? nextOffset;
    const previous = committed.get(key) ?? startOffset;
    if (offset > previous) {
      offsets.push({ topic, partition, offset });
    }
  }
  return offsets;
}
