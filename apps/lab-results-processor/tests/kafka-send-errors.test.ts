import assert from "node:assert/strict";

import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ProtocolError,
  TimeoutError,
} from "@platformatic/kafka";

import { classifyKafkaSendError, type KafkaSendFailure } from "../src/kafka-send-errors";

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9092`), { code });
}

describe("classifyKafkaSendError", () => {
  // [name, error, classification]
  const cases: [string, unknown, KafkaSendFailure][] = [
    ["a record too large", new ProtocolError("MESSAGE_TOO_LARGE"), "rejected"],
    ["a batch too large", new ProtocolError("RECORD_LIST_TOO_LARGE"), "rejected"],
    ["an invalid record", new ProtocolError("INVALID_RECORD"), "rejected"],
    ["a denied topic", new ProtocolError("TOPIC_AUTHORIZATION_FAILED"), "rejected"],
    ["a denied cluster", new ProtocolError("CLUSTER_AUTHORIZATION_FAILED"), "rejected"],
    [
      "a rejection after retries",
      new MultipleErrors("Produce failed 6 times.", [
        new NetworkError("Connection closed"),
        new ProtocolError("MESSAGE_TOO_LARGE"),
      ]),
      "rejected",
    ],
    ["a leader election", new ProtocolError("LEADER_NOT_AVAILABLE"), "unavailable"],
    ["a broker not available", new ProtocolError("BROKER_NOT_AVAILABLE"), "unavailable"],
    ["too few in-sync replicas", new ProtocolError("NOT_ENOUGH_REPLICAS"), "unavailable"],
    ["a closed connection", new NetworkError("Connection closed"), "unavailable"],
    ["a request timeout", new TimeoutError("Request timed out"), "unavailable"],
    [
      "a refused connection in a cause",
      new MultipleErrors("Cannot connect to any broker.", [
        new NetworkError("Connection failed", { cause: socketError("ECONNREFUSED") }),
      ]),
      "unavailable",
    ],
    ["a bare socket error", socketError("ECONNRESET"), "unavailable"],
    ["a failed authentication", new AuthenticationError("SASL failed"), "other"],
    ["a plain error", new Error("something else"), "other"],
    ["a string", "failure", "other"],
  ];

  for (const [name, error, expected] of cases) {
    it(`classifies ${name} as ${expected}`, () => {
      assert.equal(classifyKafkaSendError(error), expected);
    });
  }
});
