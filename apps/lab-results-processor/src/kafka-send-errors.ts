// Classification of errors from a Kafka write, by the Kafka protocol error names that
// @platformatic/kafka puts in `apiId` and the error codes of its client-side errors.

/**
 * Class of a failed Kafka write. `unavailable` errors are retried for as long as they last,
 * `rejected` errors never succeed for this record, and `other` errors are retried a bounded
 * number of times.
 */
export type KafkaSendFailure = "unavailable" | "rejected" | "other";

// Errors about the record itself or the producer's permissions. Retrying cannot fix them.
const REJECTED_PROTOCOL_ERRORS = new Set([
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
  "INVALID_TOPIC_EXCEPTION",
  "TOPIC_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
]);

// Errors of brokers that are down, electing a leader or short of in-sync replicas.
const UNAVAILABLE_PROTOCOL_ERRORS = new Set([
  "BROKER_NOT_AVAILABLE",
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_OR_FOLLOWER",
  "REPLICA_NOT_AVAILABLE",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "NOT_ENOUGH_REPLICAS",
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  "KAFKA_STORAGE_ERROR",
  "UNKNOWN_TOPIC_OR_PARTITION",
]);

// @platformatic/kafka 1.35 gives both NetworkError and TimeoutError the code PLT_KFK_NETWORK;
// the others are Node.js socket and DNS error codes.
const UNAVAILABLE_ERROR_CODES = new Set([
  "PLT_KFK_NETWORK",
  "PLT_KFK_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

/**
 * Classifies the error of a failed Kafka write by walking it, its `cause` chain and aggregated
 * `errors`. A rejection anywhere in the tree wins over unavailability, because the record
 * cannot be written once a broker has rejected it.
 */
export function classifyKafkaSendError(error: unknown): KafkaSendFailure {
  let unavailable = false;
  for (const node of errorTree(error)) {
    const apiId = typeof node.apiId === "string" ? node.apiId : undefined;
    if (apiId !== undefined && REJECTED_PROTOCOL_ERRORS.has(apiId)) {
      return "rejected";
    }
    const code = typeof node.code === "string" ? node.code : undefined;
    if (
      (apiId !== undefined && UNAVAILABLE_PROTOCOL_ERRORS.has(apiId)) ||
      (code !== undefined && UNAVAILABLE_ERROR_CODES.has(code))
    ) {
      unavailable = true;
    }
  }
  return unavailable ? "unavailable" : "other";
}

/** Returns `error` and every error nested in it, at most 5 levels deep. */
function errorTree(error: unknown): Record<string, unknown>[] {
  const nodes: Record<string, unknown>[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 5 || typeof value !== "object" || value === null) {
      return;
    }
    const node = value as Record<string, unknown>;
    nodes.push(node);
    if (Array.isArray(node.errors)) {
      node.errors.forEach((inner) => visit(inner, depth + 1));
    }
    visit(node.cause, depth + 1);
  };
  visit(error, 0);
  return nodes;
}
