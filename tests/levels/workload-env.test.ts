import * as assert from "node:assert/strict";

import { gatewayEnvSchema } from "../../apps/data-gateway/src/config";
import { bronzeWriterEnvSchema } from "../../apps/kafka-consumer/src/config";
import { producerEnvSchema } from "../../apps/kafka-producer/src/config";
import { processorEnvSchema } from "../../apps/lab-results-processor/src/config";
import { parseEnv } from "../../apps/shared/src/env";
import { createPlatform } from "../../levels/platform";
import { envMap, levelsConfig, recorder, settle, testConfig } from "../helpers/mocks";

// The program and the workloads agree on env names only by convention. These tests run each
// app's own validation on the env that the program gives its container.
describe("workload env from the program", () => {
  before(async () => {
    recorder.reset();
    createPlatform(
      testConfig(levelsConfig({ infrastructure: "running", "data-ingestion": "running" }), {
        gatewayToken: "configured-gateway-token-0123456789",
      }),
    );
    await settle();
  });

  const env = (service: string) => envMap(recorder.container(`clinical-mlops-dev-${service}`));

  it("is valid for data-gateway", () => {
    const parsed = parseEnv(gatewayEnvSchema, env("data-gateway"));
    assert.equal(parsed.PORT, 8080);
    assert.equal(parsed.GATEWAY_TOKEN, "configured-gateway-token-0123456789");
  });

  it("is valid for lab-results-processor", () => {
    const parsed = parseEnv(processorEnvSchema, env("lab-results-processor"));
    assert.deepEqual(parsed.KAFKA_BROKERS, ["kafka:29092"]);
    assert.equal(parsed.HEALTH_PORT, 9464);
  });

  it("is valid for kafka-producer", () => {
    const parsed = parseEnv(producerEnvSchema, env("kafka-producer"));
    assert.equal(parsed.GATEWAY_URL, "http://data-gateway:8080");
    assert.equal(parsed.GATEWAY_TOKEN, "configured-gateway-token-0123456789");
  });

  it("is valid for kafka-consumer", () => {
    const parsed = parseEnv(bronzeWriterEnvSchema, env("kafka-consumer"));
    assert.equal(parsed.S3_ENDPOINT, "http://minio:9000");
    assert.equal(parsed.S3_BUCKET, "clinical-mlops");
  });
});
