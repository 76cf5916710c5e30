import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { kafkaClientOptions, KafkaRecordProducer } from "../src/kafka";

/** Returns a loopback port that was just released, so connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("kafkaClientOptions", () => {
  it("uses the service name as the default client id", () => {
    const options = kafkaClientOptions({ KAFKA_BROKERS: ["kafka:29092"] }, "kafka-producer");
    assert.equal(options.clientId, "kafka-producer");
    assert.deepEqual(options.bootstrapBrokers, ["kafka:29092"]);
  });

  it("prefers KAFKA_CLIENT_ID", () => {
    const env = { KAFKA_BROKERS: ["a:1", "b:2"], KAFKA_CLIENT_ID: "producer-2" };
    const options = kafkaClientOptions(env, "kafka-producer");
    assert.equal(options.clientId, "producer-2");
    assert.deepEqual(options.bootstrapBrokers, ["a:1", "b:2"]);
  });
});

describe("KafkaRecordProducer", () => {
  it("sends nothing for an empty batch", async () => {
    const port = await closedPort();
    const producer = new KafkaRecordProducer({
      clientId: "test",
      bootstrapBrokers: [`127.0.0.1:${port}`],
    });
    await producer.send("clinical.vitals", []);
    assert.equal(producer.isConnected(), false);
    await producer.close();
  });

  it("rejects a send when no broker is reachable", async () => {
    const port = await closedPort();
    const producer = new KafkaRecordProducer({
      clientId: "test",
      bootstrapBrokers: [`127.0.0.1:${port}`],
      connectTimeout: 1000,
    });
    const started = Date.now();
    await assert.rejects(producer.send("clinical.vitals", [{ key: "PT-1", value: "{}" }]));
    // Five library retries 500 ms apart; an unbounded retry count would never get here.
    assert.ok(Date.now() - started < 15_000, `send took ${Date.now() - started} ms to fail`);
    await producer.close();
  });
});
