/**
 * The level model: numbers, config keys, titles, dependencies and services of every level.
 *
 * The Pulumi program, the `pipeline` command and the tests all read this table, so it is the only
 * place where a level or its services are defined.
 */

export const LEVEL_STATES = ["running", "stopped", "absent"] as const;

/**
 * Desired state of a level.
 * - running: containers, volumes and images exist.
 * - stopped: containers removed; volumes and images kept, so data persists and a restart is fast.
 * - absent: containers, volumes and images removed; the level's data is gone.
 */
export type LevelState = (typeof LEVEL_STATES)[number];

export const LEVEL_KEYS = [
  "infrastructure",
  "data-ingestion",
  "data-processing",
  "features",
  "ml-pipeline",
  "observability",
] as const;

/** Config key of a level in the `clinical-mlops:levels` map. */
export type LevelKey = (typeof LEVEL_KEYS)[number];

export type LevelNumber = 0 | 1 | 2 | 3 | 4 | 5;

export interface LevelDefinition {
  /** Level number, 0 to 5. */
  readonly number: LevelNumber;
  /** Key in the `clinical-mlops:levels` stack config map. */
  readonly key: LevelKey;
  /** Title shown to users. */
  readonly title: string;
  /** Levels that must be running for this level to run (direct and indirect). */
  readonly dependsOn: readonly LevelNumber[];
  /** Long-running services of the level, in start order. */
  readonly services: readonly string[];
  /** One-shot jobs of the level: they run to completion once and are not restarted. */
  readonly jobs: readonly string[];
}

export const LEVELS: readonly LevelDefinition[] = [
  {
    number: 0,
    key: "infrastructure",
    title: "Infrastructure",
    dependsOn: [],
    services: [
      "minio",
      "postgres-mlflow",
      "postgres-airflow",
      "redis",
      "redis-insight",
      "zookeeper",
      "kafka",
      "kafka-ui",
    ],
    jobs: ["minio-setup"],
  },
  {
    number: 1,
    key: "data-ingestion",
    title: "Data Ingestion",
    dependsOn: [0],
    services: [
      "clinical-mq",
      "data-gateway",
      "lab-results-processor",
      "kafka-producer",
      "kafka-consumer",
    ],
    jobs: ["kafka-topics"],
  },
  {
    number: 2,
    key: "data-processing",
    title: "Data Processing",
    dependsOn: [0, 1],
    services: ["spark-master", "spark-worker", "spark-streaming", "spark-batch"],
    jobs: [],
  },
  {
    number: 3,
    key: "features",
    title: "Feature Engineering",
    dependsOn: [0, 1, 2],
    services: ["feature-engineering"],
    jobs: [],
  },
  {
    number: 4,
    key: "ml-pipeline",
    title: "ML Pipeline",
    dependsOn: [0, 1, 2, 3],
    services: ["mlflow-server", "ml-training", "model-serving"],
    jobs: [],
  },
  {
    number: 5,
    key: "observability",
    title: "Observability",
    dependsOn: [0],
    services: [
      "airflow-webserver",
      "airflow-scheduler",
      "prometheus",
      "grafana",
      "opensearch",
      "opensearch-dashboards",
      "data-prepper",
      "filebeat",
    ],
    jobs: ["airflow-init"],
  },
];

/** Levels that the program declares today; the others are accepted in config but have no resources yet. */
export const IMPLEMENTED_LEVELS: readonly LevelNumber[] = [0, 1];

export function levelByNumber(levelNumber: number): LevelDefinition {
  const level = LEVELS.find((candidate) => candidate.number === levelNumber);
  if (!level) {
    throw new RangeError(
      `Invalid level ${levelNumber}: levels are numbered 0 to ${LEVELS.length - 1}.`,
    );
  }
  return level;
}

export function levelByKey(key: LevelKey): LevelDefinition {
  const level = LEVELS.find((candidate) => candidate.key === key);
  if (!level) {
    throw new RangeError(`Invalid level key "${key}": valid keys are ${LEVEL_KEYS.join(", ")}.`);
  }
  return level;
}

/** Returns the levels that depend on `levelNumber`, directly or indirectly, in ascending order. */
export function dependentsOf(levelNumber: LevelNumber): LevelNumber[] {
  return LEVELS.filter((level) => level.dependsOn.includes(levelNumber)).map(
    (level) => level.number,
  );
}

/** Returns the level that owns a service or job, or undefined for an unknown name. */
export function levelOfService(service: string): LevelDefinition | undefined {
  return LEVELS.find((level) => level.services.includes(service) || level.jobs.includes(service));
}

/** A full desired-state map, one entry per level. */
export type LevelStates = Readonly<Record<LevelKey, LevelState>>;
