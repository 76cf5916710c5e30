import * as assert from "node:assert/strict";

import { appSourceHash } from "../../components/app-image";
import { DEFAULT_IMAGES } from "../../levels/catalog";
import { topicsScript } from "../../levels/data-ingestion/broker";
import { createPlatform } from "../../levels/platform";
import {
  assertCreatedAfter,
  envMap,
  labelMap,
  levelsConfig,
  recorder,
  settle,
  testConfig,
  TYPES,
  valueOf,
} from "../helpers/mocks";

const BUILD_IMAGE = "docker-build:index:Image";
const APPS = ["data-gateway", "lab-results-processor", "kafka-producer", "kafka-consumer"];
const LEVEL1_CONTAINERS = [
  "clinical-mlops-dev-clinical-mq",
  "clinical-mlops-dev-data-gateway",
  "clinical-mlops-dev-kafka-consumer",
  "clinical-mlops-dev-kafka-producer",
  "clinical-mlops-dev-kafka-topics",
  "clinical-mlops-dev-lab-results-processor",
];

function level1Containers(): string[] {
  return recorder
    .ofType(TYPES.container)
    .filter((container) => labelMap(container)["clinical-mlops.level"] === "1")
    .map((container) => container.inputs.name as string)
    .sort();
}

async function declare(levels: Record<string, string>, extra: Record<string, string> = {}) {
  recorder.reset();
  const outputs = createPlatform(testConfig({ ...levelsConfig(levels), ...extra }));
  await settle();
  return outputs;
}

describe("level 1 running", () => {
  let outputs: ReturnType<typeof createPlatform>;
  before(async () => {
    outputs = await declare({ infrastructure: "running", "data-ingestion": "running" });
  });

  it("declares exactly its containers, volume and images", () => {
    assert.deepEqual(level1Containers(), LEVEL1_CONTAINERS);
    assert.ok(recorder.physicalNames(TYPES.volume).includes("clinical-mlops-dev-clinical-mq-data"));
    assert.ok(recorder.physicalNames(TYPES.remoteImage).includes(DEFAULT_IMAGES["clinical-mq"]));
    const builds = recorder
      .ofType(BUILD_IMAGE)
      .map((image) => image.inputs.tags[0] as string)
      .sort();
    assert.deepEqual(
      builds,
      [...APPS].sort().map((app) => `clinical-mlops-dev/${app}:src-${appSourceHash(app)}`),
    );
    assert.deepEqual(recorder.duplicateNames(), []);
  });

  it("builds each app from its Dockerfile with the repository as context", () => {
    for (const app of APPS) {
      const image = recorder.get(BUILD_IMAGE, `data-ingestion-${app}-image`);
      assert.deepEqual(image.inputs.context, { location: "." });
      assert.deepEqual(image.inputs.dockerfile, { location: `apps/${app}/Dockerfile` });
      assert.equal(image.inputs.push, false);
      assert.equal(image.inputs.load, true);
      assert.deepEqual(image.inputs.labels, {
        "clinical-mlops.stack": "dev",
        "clinical-mlops.service": app,
      });
      const container = recorder.container(`clinical-mlops-dev-${app}`);
      assert.equal(container.inputs.image, image.inputs.tags[0]);
    }
  });

  it("configures the Clinical MQ", () => {
    const mq = recorder.container("clinical-mlops-dev-clinical-mq");
    assert.equal(mq.inputs.hostname, "clinical-mq");
    assert.deepEqual(envMap(mq), {
      RABBITMQ_DEFAULT_USER: "clinical-mlops",
      RABBITMQ_DEFAULT_PASS: "generated-data-ingestion-rabbitmq-password",
    });
    assert.deepEqual(mq.inputs.healthcheck.tests, [
      "CMD",
      "rabbitmq-diagnostics",
      "-q",
      "check_port_connectivity",
    ]);
    assert.deepEqual(mq.inputs.volumes, [
      { volumeName: "clinical-mlops-dev-clinical-mq-data", containerPath: "/var/lib/rabbitmq" },
    ]);
    assert.deepEqual(mq.inputs.ports, [
      { internal: 15672, external: 15672, ip: "127.0.0.1", protocol: "tcp" },
    ]);
    assert.ok(mq.secretKeys.has("envs"));
  });

  it("creates the topics with the broker image", () => {
    const job = recorder.container("clinical-mlops-dev-kafka-topics");
    const kafka = recorder.container("clinical-mlops-dev-kafka");
    assert.equal(job.inputs.image, kafka.inputs.image);
    assert.equal(job.inputs.attach, true);
    assert.equal(job.inputs.mustRun, false);
    assert.deepEqual(job.inputs.command, [topicsScript("kafka:29092")]);
    assert.equal(labelMap(job)["clinical-mlops.role"], "job");
  });

  it("wires every workload to what it needs", () => {
    const amqpUrl =
      "amqp://clinical-mlops:generated-data-ingestion-rabbitmq-password@clinical-mq:5672";
    assert.deepEqual(envMap(recorder.container("clinical-mlops-dev-data-gateway")), {
      PORT: "8080",
      AMQP_URL: amqpUrl,
      GATEWAY_TOKEN: "generated-data-ingestion-gateway-token",
    });
    assert.deepEqual(envMap(recorder.container("clinical-mlops-dev-lab-results-processor")), {
      HEALTH_PORT: "9464",
      AMQP_URL: amqpUrl,
      KAFKA_BROKERS: "kafka:29092",
      KAFKA_CLIENT_ID: "lab-results-processor",
    });
    assert.deepEqual(envMap(recorder.container("clinical-mlops-dev-kafka-producer")), {
      HEALTH_PORT: "9464",
      KAFKA_BROKERS: "kafka:29092",
      KAFKA_CLIENT_ID: "kafka-producer",
      GATEWAY_URL: "http://data-gateway:8080",
      GATEWAY_TOKEN: "generated-data-ingestion-gateway-token",
    });
    assert.deepEqual(envMap(recorder.container("clinical-mlops-dev-kafka-consumer")), {
      HEALTH_PORT: "9464",
      KAFKA_BROKERS: "kafka:29092",
      KAFKA_CLIENT_ID: "kafka-consumer",
      S3_ENDPOINT: "http://minio:9000",
      S3_ACCESS_KEY_ID: "clinical-mlops",
      S3_SECRET_ACCESS_KEY: "generated-infrastructure-minio-root-password",
      S3_BUCKET: "clinical-mlops",
    });
    for (const app of APPS) {
      assert.ok(recorder.container(`clinical-mlops-dev-${app}`).secretKeys.has("envs"), app);
    }
  });

  it("health-checks each app over HTTP with node", () => {
    for (const app of APPS) {
      const container = recorder.container(`clinical-mlops-dev-${app}`);
      const port = app === "data-gateway" ? 8080 : 9464;
      assert.deepEqual(container.inputs.healthcheck.tests.slice(0, 3), ["CMD", "node", "-e"]);
      assert.ok(
        container.inputs.healthcheck.tests[3].includes(`http://127.0.0.1:${port}/health`),
        app,
      );
      assert.equal(container.inputs.wait, true);
      assert.equal(container.inputs.destroyGraceSeconds, 30);
    }
    assert.deepEqual(recorder.container("clinical-mlops-dev-data-gateway").inputs.ports, [
      { internal: 8080, external: 8082, ip: "127.0.0.1", protocol: "tcp" },
    ]);
  });

  it("exports the level's access points, jobs and secrets", async () => {
    assert.equal(outputs.accessPoints["data-gateway"], "http://localhost:8082");
    assert.equal(outputs.accessPoints["clinical-mq-management"], "http://localhost:15672");
    assert.equal(await valueOf(outputs.jobs["kafka-topics"]), "kafka-topics");
    const passwords = await valueOf(outputs.passwords);
    assert.equal(passwords.gatewayToken, "generated-data-ingestion-gateway-token");
    assert.equal(passwords.rabbitmqPassword, "generated-data-ingestion-rabbitmq-password");
  });
});

describe("level 1 ordering", () => {
  const edges: [string, string][] = [
    ["data-ingestion-clinical-mq-container", "clinical-mlops-dev-data-gateway"],
    ["data-ingestion-clinical-mq-container", "clinical-mlops-dev-lab-results-processor"],
    ["data-ingestion-kafka-topics-container", "clinical-mlops-dev-kafka-producer"],
    ["data-ingestion-data-gateway-container", "clinical-mlops-dev-kafka-producer"],
    ["data-ingestion-kafka-topics-container", "clinical-mlops-dev-kafka-consumer"],
    ["infrastructure-minio-setup-container", "clinical-mlops-dev-kafka-consumer"],
    ["infrastructure-kafka-container", "clinical-mlops-dev-kafka-topics"],
  ];
  for (const [dependency, dependent] of edges) {
    it(`creates ${dependent} only after ${dependency}`, async () => {
      const declare = () =>
        createPlatform(
          testConfig(levelsConfig({ infrastructure: "running", "data-ingestion": "running" })),
        );
      await assertCreatedAfter(declare, dependency, dependent);
    });
  }
});

describe("level 1 stopped", () => {
  it("keeps its volume, images and secrets, and drops containers", async () => {
    await declare({ infrastructure: "running", "data-ingestion": "stopped" });
    assert.deepEqual(level1Containers(), []);
    assert.ok(recorder.physicalNames(TYPES.volume).includes("clinical-mlops-dev-clinical-mq-data"));
    assert.equal(recorder.ofType(BUILD_IMAGE).length, 4);
    const secrets = recorder.ofType(TYPES.randomPassword).map((resource) => resource.name);
    assert.ok(secrets.includes("data-ingestion-gateway-token"));
    assert.ok(secrets.includes("data-ingestion-rabbitmq-password"));
  });
});

describe("level 1 absent", () => {
  it("declares none of its resources", async () => {
    await declare({ infrastructure: "running" });
    assert.deepEqual(level1Containers(), []);
    assert.equal(recorder.ofType(BUILD_IMAGE).length, 0);
    assert.ok(
      !recorder.physicalNames(TYPES.volume).includes("clinical-mlops-dev-clinical-mq-data"),
    );
  });
});

describe("level 1 image overrides", () => {
  it("pulls a prebuilt image instead of building", async () => {
    await declare(
      { infrastructure: "running", "data-ingestion": "running" },
      {
        images: JSON.stringify({ "data-gateway": "registry.example/clinical/data-gateway:1.2.3" }),
      },
    );
    const builds = recorder.ofType(BUILD_IMAGE).map((image) => image.name);
    assert.ok(!builds.includes("data-ingestion-data-gateway-image"));
    assert.ok(
      recorder
        .physicalNames(TYPES.remoteImage)
        .includes("registry.example/clinical/data-gateway:1.2.3"),
    );
    assert.match(recorder.container("clinical-mlops-dev-data-gateway").inputs.image, /^sha256:/);
  });
});

describe("topicsScript", () => {
  it("creates each topic idempotently", () => {
    const script = topicsScript("kafka:29092", [
      { name: "t.one", partitions: 2, replicationFactor: 1 },
    ]);
    assert.equal(
      script,
      [
        "set -eu",
        "kafka-topics --bootstrap-server kafka:29092 --create --if-not-exists --topic t.one --partitions 2 --replication-factor 1",
        "kafka-topics --bootstrap-server kafka:29092 --list",
      ].join("\n"),
    );
  });
});
