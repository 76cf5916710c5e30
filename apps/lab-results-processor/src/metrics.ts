import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Prometheus metrics of the lab-results-processor. */
export class ProcessorMetrics {
  readonly processed: Counter<"flag">;
  readonly deadLettered: Counter<"kind">;
  readonly kafkaSendFailures: Counter;
  readonly deadLetterFailures: Counter;
  readonly inFlight: Gauge;
  readonly processingSeconds: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.processed = new Counter({
      name: "lab_results_processed_total",
      help: "Lab results written to Kafka and acknowledged, by flag.",
      labelNames: ["flag"],
      registers,
    });
    this.deadLettered = new Counter({
      name: "lab_results_dead_lettered_total",
      help: "Messages moved to the dead-letter queue, by rejection kind.",
      labelNames: ["kind"],
      registers,
    });
    this.kafkaSendFailures = new Counter({
      name: "lab_results_kafka_send_failures_total",
      help: "Failed attempts to write a processed lab result to Kafka.",
      registers,
    });
    this.deadLetterFailures = new Counter({
      name: "lab_results_dead_letter_failures_total",
      help: "Failed publishes to the dead-letter exchange; each message is requeued.",
      registers,
    });
    this.inFlight = new Gauge({
      name: "lab_results_in_flight",
      help: "Messages delivered and not yet acknowledged.",
      registers,
    });
    this.processingSeconds = new Histogram({
      name: "lab_results_processing_duration_seconds",
      help: "Time from delivery to acknowledgement, Kafka retries included.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers,
    });
  }
}
