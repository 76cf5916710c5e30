import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Prometheus metrics of the bronze writer. */
export class BronzeMetrics {
  readonly recordsConsumed: Counter<"topic">;
  readonly recordsWritten: Counter<"topic">;
  readonly objectsWritten: Counter<"topic">;
  readonly bytesWritten: Counter<"topic">;
  readonly uploadFailures: Counter<"topic">;
  readonly commitFailures: Counter;
  readonly bufferedRecords: Gauge;
  readonly uploadSeconds: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.recordsConsumed = new Counter({
      name: "bronze_records_consumed_total",
      help: "Records read from Kafka, counted when their batch is closed for writing.",
      labelNames: ["topic"],
      registers,
    });
    this.recordsWritten = new Counter({
      name: "bronze_records_written_total",
      help: "Records in bronze objects that the object store accepted.",
      labelNames: ["topic"],
      registers,
    });
    this.objectsWritten = new Counter({
      name: "bronze_objects_written_total",
      help: "Bronze objects that the object store accepted.",
      labelNames: ["topic"],
      registers,
    });
    this.bytesWritten = new Counter({
      name: "bronze_bytes_written_total",
      help: "Compressed bytes of the bronze objects that the object store accepted.",
      labelNames: ["topic"],
      registers,
    });
    this.uploadFailures = new Counter({
      name: "bronze_upload_failures_total",
      help: "Failed attempts to write a bronze object; each is retried.",
      labelNames: ["topic"],
      registers,
    });
    this.commitFailures = new Counter({
      name: "bronze_commit_failures_total",
      help: "Failed offset commits; the next commit covers their offsets.",
      registers,
    });
    this.bufferedRecords = new Gauge({
      name: "bronze_buffered_records",
      help: "Records consumed but not yet in a written object.",
      registers,
    });
    this.uploadSeconds = new Histogram({
      name: "bronze_upload_duration_seconds",
      help: "Time to compress and write one bronze object, retries included.",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }
}
