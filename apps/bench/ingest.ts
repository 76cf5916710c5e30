// Ingestion benchmark. It measures the records per second that the synthetic data generator
// produces, and that the bronze writer serialises, compresses and uploads to an in-process S3
// server (s3rver). Kafka is not involved. Run it with `taskset -c 0 npm run bench:ingest` to
// pin it to one core; results are recorded in docs/benchmarks.md.

import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";

import { createGenerator, type GeneratedRecord } from "../kafka-producer/src/generator";
import { BronzeWriter } from "../kafka-consumer/src/bronze-writer";
import { S3ObjectStore } from "../kafka-consumer/src/object-store";
import { processLabResult } from "../lab-results-processor/src/process-lab-result";
import type { ConsumedRecord } from "../shared/src/kafka-consumer";
import { createLogger } from "../shared/src/logger";
import { TOPICS } from "../shared/src/topics";
import { startTestS3Server, type TestS3Server } from "../shared/testing/s3-server";

const SEED = "bench-ingest";
const PATIENT_COUNT = 1000;
// A fixed clock makes every run generate the same records.
const FIXED_NOW = Date.parse("2024-07-01T12:02:00.000Z");
const GENERATOR_RECORDS = 500_000;
const WRITER_RECORDS = 200_000;
const WARM_UP_RUNS = 2;
const MEASURED_RUNS = 7;
const TARGET_PER_SECOND = 50_000;

interface Summary {
  name: string;
  records: number;
  runsPerSecond: number[];
}

/** Measures `generator.next()` alone. */
function benchGenerator(): number {
  const generator = createGenerator({
    seed: SEED,
    patientCount: PATIENT_COUNT,
    now: () => FIXED_NOW,
  });
  const started = process.hrtime.bigint();
  let checksum = 0;
  for (let i = 0; i < GENERATOR_RECORDS; i++) {
    checksum += generator.next().record.recordId.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (checksum === 0) {
    throw new Error("the generator returned no records");
  }
  return GENERATOR_RECORDS / seconds;
}

/** Turns generated records into Kafka records as the bronze writer receives them. */
function prepareConsumedRecords(count: number): ConsumedRecord[] {
  const generator = createGenerator({
    seed: SEED,
    patientCount: PATIENT_COUNT,
    now: () => FIXED_NOW,
  });
  const nextOffsets = new Map<string, bigint>();
  const records: ConsumedRecord[] = [];
  while (records.length < count) {
    const { topic, value } = toTopicAndValue(generator.next());
    const partition = records.length % 3;
    const offsetKey = `${topic}:${partition}`;
    const offset = nextOffsets.get(offsetKey) ?? 0n;
    nextOffsets.set(offsetKey, offset + 1n);
    records.push({
      topic,
      partition,
      offset,
      timestamp: BigInt(FIXED_NOW),
      key: undefined,
      value: Buffer.from(value),
    });
  }
  return records;
}

/** Lab results reach Kafka processed, so they are processed here as the processor would. */
function toTopicAndValue(generated: GeneratedRecord): { topic: string; value: string } {
  if (generated.destination === "kafka") {
    return { topic: generated.topic, value: JSON.stringify(generated.record) };
  }
  const outcome = processLabResult(JSON.stringify(generated.record), new Date(FIXED_NOW));
  if (!outcome.ok) {
    throw new Error(`generated lab result rejected: ${outcome.reason}`);
  }
  return { topic: TOPICS.labResults.name, value: JSON.stringify(outcome.result) };
}

/** Measures handle() for every record plus close(), which writes the remaining batches. */
async function benchBronzeWriter(
  server: TestS3Server,
  records: ConsumedRecord[],
  run: number,
): Promise<number> {
  const writer = new BronzeWriter({
    store: new S3ObjectStore(server.client, server.env.S3_BUCKET),
    committer: { commit: async () => undefined },
    logger: createLogger({ service: "bench", level: "silent" }),
    // The kafka-consumer's defaults.
    limits: { maxRecords: 10_000, maxBytes: 8 * 1024 * 1024, maxAgeMs: 30_000 },
    maxConcurrentUploads: 4,
    prefix: `bench-run-${run}`,
  });

  const started = process.hrtime.bigint();
  for (const record of records) {
    const wait = writer.handle(record);
    if (wait) {
      await wait;
    }
  }
  await writer.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return records.length / seconds;
}

async function main(): Promise<void> {
  printEnvironment();

  const summaries: Summary[] = [];
  summaries.push({
    name: "generator",
    records: GENERATOR_RECORDS,
    runsPerSecond: await measure(async () => benchGenerator()),
  });

  const records = prepareConsumedRecords(WRITER_RECORDS);
  const server = await startTestS3Server();
  try {
    let run = 0;
    summaries.push({
      name: "bronze writer",
      records: WRITER_RECORDS,
      runsPerSecond: await measure(() => benchBronzeWriter(server, records, run++)),
    });
    const objects = await server.listKeys("bench-run-0/");
    console.log(`bronze writer: run 0 wrote ${objects.length} objects`);
  } finally {
    await server.stop();
  }

  let missed = false;
  for (const summary of summaries) {
    missed = printSummary(summary) || missed;
  }
  process.exitCode = missed ? 1 : 0;
}

async function measure(runOnce: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < WARM_UP_RUNS; i++) {
    await runOnce();
  }
  const results: number[] = [];
  for (let i = 0; i < MEASURED_RUNS; i++) {
    results.push(await runOnce());
  }
  return results;
}

/** Prints median, minimum, maximum and spread. Returns true when the median misses the target. */
function printSummary({ name, records, runsPerSecond }: Summary): boolean {
  const sorted = [...runsPerSecond].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const spread = ((max - min) / median) * 100;
  const verdict = median >= TARGET_PER_SECOND ? "meets" : "MISSES";
  console.log(
    `${name}: median ${format(median)} records/s (min ${format(min)}, max ${format(max)}, ` +
      `spread ${spread.toFixed(1)} %) over ${runsPerSecond.length} runs of ${records} records; ` +
      `${verdict} the ${format(TARGET_PER_SECOND)} records/s target`,
  );
  return median < TARGET_PER_SECOND;
}

function printEnvironment(): void {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}`);
  console.log(`CPUs available to this process: ${availableParallelism()} (${allowedCpus()})`);
  const [oneMinute, fiveMinutes] = loadavg();
  console.log(
    `load average at start: ${oneMinute.toFixed(2)} (1 min), ${fiveMinutes.toFixed(2)} (5 min)`,
  );
  console.log(
    `warm-up runs: ${WARM_UP_RUNS}, measured runs: ${MEASURED_RUNS}, ` +
      `generator records: ${GENERATOR_RECORDS}, bronze writer records: ${WRITER_RECORDS}`,
  );
}

/** Returns the CPU affinity list on Linux, for example `0` under `taskset -c 0`. */
function allowedCpus(): string {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    return `Cpus_allowed_list ${/Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? "unknown"}`;
  } catch {
    return "affinity unknown";
  }
}

function format(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
