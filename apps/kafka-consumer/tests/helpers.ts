import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";

import type { ConsumedRecord } from "../../shared/src/kafka-consumer";
import { createLogger } from "../../shared/src/logger";
import type { TestS3Server } from "../../shared/testing/s3-server";
import type { ObjectStore } from "../src/object-store";

export const silentLogger = createLogger({ service: "kafka-consumer-test", level: "silent" });

/** A parsed bronze line. */
export interface BronzeLine {
  topic: string;
  partition: number;
  offset: number;
  recordId: string | null;
  record?: Record<string, unknown>;
}

/**
 * ObjectStore wrapper that can hold writes at a gate and fail writes whose key matches a
 * predicate, so tests can check what happens before a write completes.
 */
export class ControlledStore implements ObjectStore {
  /** Keys written successfully, in completion order. */
  readonly written: string[] = [];
  attempts = 0;
  failWhen: ((key: string) => boolean) | undefined;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  constructor(private readonly inner: ObjectStore) {}

  /** Holds every write until `release` is called. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async putObject(key: string, body: Buffer): Promise<void> {
    this.attempts++;
    await this.gate;
    if (this.failWhen?.(key)) {
      throw new Error(`injected PutObject failure for ${key}`);
    }
    await this.inner.putObject(key, body);
    this.written.push(key);
  }
}

/** Builds a consumed record whose value is a JSON record with an id and event time. */
export function vitalsRecord(
  partition: number,
  offset: bigint,
  eventTime: string,
  topic = "clinical.vitals",
): ConsumedRecord {
  const value = JSON.stringify({
    recordId: randomUUID(),
    recordType: "vital-signs",
    eventTime,
    heartRateBpm: 60 + Number(offset % 40n),
  });
  return {
    topic,
    partition,
    offset,
    timestamp: BigInt(Date.parse(eventTime)),
    key: Buffer.from(`PT-${String(partition).padStart(12, "0")}`),
    value: Buffer.from(value),
  };
}

/** Reads and parses every bronze object under a prefix, by key. */
export async function readBronze(
  server: TestS3Server,
  prefix: string,
): Promise<Map<string, BronzeLine[]>> {
  const objects = new Map<string, BronzeLine[]>();
  for (const key of await server.listKeys(prefix)) {
    const { body } = await server.getObject(key);
    const text = gunzipSync(body).toString("utf8");
    if (!text.endsWith("\n")) {
      throw new Error(`bronze object ${key} does not end with a newline`);
    }
    objects.set(
      key,
      text
        .slice(0, -1)
        .split("\n")
        .map((line) => JSON.parse(line) as BronzeLine),
    );
  }
  return objects;
}

/** Polls `condition` every 5 ms and rejects after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  description: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
