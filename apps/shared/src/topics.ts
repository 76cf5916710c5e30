// Kafka topics of the clinical data flow. This module has no imports because the Pulumi program
// imports it to create the topics before any workload starts.

/** A Kafka topic with the settings used to create it. */
export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

export const TOPICS = {
  /** Vital sign measurements from the sites. */
  vitals: { name: "clinical.vitals", partitions: 3, replicationFactor: 1 },
  /** Medication administrations from the sites. */
  medications: { name: "clinical.medications", partitions: 3, replicationFactor: 1 },
  /** Adverse events graded with CTCAE. */
  adverseEvents: { name: "clinical.adverse-events", partitions: 3, replicationFactor: 1 },
  /** Lab results after unit conversion and flagging by the lab-results-processor. */
  labResults: { name: "clinical.lab-results", partitions: 3, replicationFactor: 1 },
} as const satisfies Record<string, TopicDefinition>;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey]["name"];

/** Every clinical topic, in a fixed order. */
export const ALL_TOPICS: readonly TopicDefinition[] = Object.values(TOPICS);

/** The names of every clinical topic, in the order of `ALL_TOPICS`. */
export const ALL_TOPIC_NAMES: readonly TopicName[] = Object.values(TOPICS).map(
  (topic) => topic.name,
);
