/**
 * Static facts about each service that stack config can override: its default image, its
 * published host ports and its resource limits. `config.ts` validates overrides against this
 * table, and the level components read the effective values from the validated config.
 */

/** A port that a service publishes on the Docker host. */
export interface PublishedPortSpec {
  /** Key of the port in the `ports` stack config map, for example `minio-console`. */
  readonly id: string;
  /** Service from the level model that publishes the port. */
  readonly service: string;
  /** Port inside the container. */
  readonly containerPort: number;
  /** Host port before `portOffset` is added. */
  readonly defaultHostPort: number;
  /** URL scheme of the access point shown to users, for example `http` or `postgresql`. */
  readonly scheme: string;
}

export const PUBLISHED_PORTS: readonly PublishedPortSpec[] = [
  { id: "minio-api", service: "minio", containerPort: 9000, defaultHostPort: 9000, scheme: "http" },
  {
    id: "minio-console",
    service: "minio",
    containerPort: 9001,
    defaultHostPort: 9001,
    scheme: "http",
  },
  {
    id: "postgres-mlflow",
    service: "postgres-mlflow",
    containerPort: 5432,
    defaultHostPort: 5432,
    scheme: "postgresql",
  },
  {
    id: "postgres-airflow",
    service: "postgres-airflow",
    containerPort: 5432,
    defaultHostPort: 5433,
    scheme: "postgresql",
  },
  { id: "redis", service: "redis", containerPort: 6379, defaultHostPort: 6379, scheme: "redis" },
  {
    id: "redis-insight",
    service: "redis-insight",
    containerPort: 5540,
    defaultHostPort: 5540,
    scheme: "http",
  },
  // The broker's host listener: the container listens on 9092 and advertises the host port.
  { id: "kafka", service: "kafka", containerPort: 9092, defaultHostPort: 9092, scheme: "kafka" },
  {
    id: "kafka-ui",
    service: "kafka-ui",
    containerPort: 8080,
    defaultHostPort: 8090,
    scheme: "http",
  },
  {
    id: "data-gateway",
    service: "data-gateway",
    containerPort: 8080,
    defaultHostPort: 8082,
    scheme: "http",
  },
  {
    id: "clinical-mq-management",
    service: "clinical-mq",
    containerPort: 15672,
    defaultHostPort: 15672,
    scheme: "http",
  },
];

/** Memory and CPU limits of a container. */
export interface ResourceLimits {
  /** Hard memory limit in MiB. */
  readonly memoryMb: number;
  /** CPU limit in cores, for example 0.5. */
  readonly cpus: number;
}

/**
 * Default images of pulled services, pinned to exact tags; `images.<service>` in stack config
 * replaces one. MinIO's last published image is from September 2025, because the project now
 * ships source only, so a newer release needs an `images.minio` override.
 */
export const DEFAULT_IMAGES: Readonly<Record<string, string>> = {
  minio: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
  "postgres-mlflow": "postgres:15.19-bookworm",
  "postgres-airflow": "postgres:15.19-bookworm",
  redis: "redis:7.4.11-bookworm",
  "redis-insight": "redis/redisinsight:2.70.1",
  zookeeper: "confluentinc/cp-zookeeper:7.9.8",
  kafka: "confluentinc/cp-kafka:7.9.8",
  "kafka-ui": "ghcr.io/kafbat/kafka-ui:v1.5.0",
  "clinical-mq": "rabbitmq:4.1.4-management",
  // The topic job runs the Kafka CLI from the broker's own image.
  "kafka-topics": "confluentinc/cp-kafka:7.9.8",
};

/** Workloads built from `apps/<service>/Dockerfile` unless `images.<service>` names a prebuilt image. */
export const BUILT_SERVICES = [
  "data-gateway",
  "lab-results-processor",
  "kafka-producer",
  "kafka-consumer",
] as const;

/** Limits of a service that has no entry in DEFAULT_LIMITS. */
export const FALLBACK_LIMITS: ResourceLimits = { memoryMb: 512, cpus: 1 };

/**
 * Default limits, sized so that all six levels together fit a laptop with 16 GB of memory
 * alongside the host's own processes.
 */
export const DEFAULT_LIMITS: Readonly<Record<string, ResourceLimits>> = {
  minio: { memoryMb: 512, cpus: 1 },
  "postgres-mlflow": { memoryMb: 512, cpus: 1 },
  "postgres-airflow": { memoryMb: 512, cpus: 1 },
  redis: { memoryMb: 256, cpus: 0.5 },
  "redis-insight": { memoryMb: 384, cpus: 0.5 },
  zookeeper: { memoryMb: 512, cpus: 0.5 },
  kafka: { memoryMb: 1024, cpus: 1 },
  "kafka-ui": { memoryMb: 512, cpus: 0.5 },
  "minio-setup": { memoryMb: 128, cpus: 0.5 },
  "clinical-mq": { memoryMb: 512, cpus: 1 },
  "kafka-topics": { memoryMb: 512, cpus: 0.5 },
  "data-gateway": { memoryMb: 256, cpus: 0.5 },
  "lab-results-processor": { memoryMb: 256, cpus: 0.5 },
  "kafka-producer": { memoryMb: 256, cpus: 0.5 },
  "kafka-consumer": { memoryMb: 384, cpus: 0.5 },
};
