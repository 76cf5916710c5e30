import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import { createPlatform } from "../../levels/platform";
import { DEFAULT_IMAGES } from "../../levels/catalog";
import { redisConfigFile } from "../../levels/infrastructure/databases";
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

const LEVEL0_CONTAINERS = [
  "clinical-mlops-dev-kafka",
  "clinical-mlops-dev-kafka-ui",
  "clinical-mlops-dev-minio",
  "clinical-mlops-dev-minio-setup",
  "clinical-mlops-dev-postgres-airflow",
  "clinical-mlops-dev-postgres-mlflow",
  "clinical-mlops-dev-redis",
  "clinical-mlops-dev-redis-insight",
  "clinical-mlops-dev-zookeeper",
];

const LEVEL0_VOLUMES = [
  "clinical-mlops-dev-kafka-data",
  "clinical-mlops-dev-minio-data",
  "clinical-mlops-dev-postgres-airflow-data",
  "clinical-mlops-dev-postgres-mlflow-data",
  "clinical-mlops-dev-redis-data",
  "clinical-mlops-dev-redis-insight-data",
  "clinical-mlops-dev-zookeeper-data",
  "clinical-mlops-dev-zookeeper-log",
];

const LEVEL0_IMAGES = [
  DEFAULT_IMAGES.minio,
  DEFAULT_IMAGES["postgres-mlflow"],
  DEFAULT_IMAGES.redis,
  DEFAULT_IMAGES["redis-insight"],
  DEFAULT_IMAGES.zookeeper,
  DEFAULT_IMAGES.kafka,
  DEFAULT_IMAGES["kafka-ui"],
].sort();

const LEVEL0_PASSWORDS = [
  "infrastructure-kafka-ui-password",
  "infrastructure-minio-root-password",
  "infrastructure-postgres-airflow-password",
  "infrastructure-postgres-mlflow-password",
  "infrastructure-redis-password",
];

async function declare(raw: Record<string, string>, secrets = {}) {
  recorder.reset();
  const outputs = createPlatform(testConfig(raw, secrets));
  await settle();
  return outputs;
}

describe("level 0 running", () => {
  let outputs: ReturnType<typeof createPlatform>;
  before(async () => {
    outputs = await declare(levelsConfig({ infrastructure: "running" }));
  });

  it("declares exactly its containers, volumes and images", () => {
    assert.deepEqual(recorder.physicalNames(TYPES.container), LEVEL0_CONTAINERS);
    assert.deepEqual(recorder.physicalNames(TYPES.volume), LEVEL0_VOLUMES);
    assert.deepEqual(recorder.physicalNames(TYPES.remoteImage), LEVEL0_IMAGES);
    assert.deepEqual(recorder.physicalNames(TYPES.network), ["clinical-mlops-dev"]);
    assert.deepEqual(recorder.duplicateNames(), []);
  });

  it("generates every password as a secret", () => {
    const names = recorder.ofType(TYPES.randomPassword).map((resource) => resource.name);
    assert.deepEqual(names.sort(), LEVEL0_PASSWORDS);
    for (const password of recorder.ofType(TYPES.randomPassword)) {
      assert.equal(password.inputs.length, 32);
      assert.equal(password.inputs.special, false);
    }
    for (const name of [
      "minio",
      "postgres-mlflow",
      "postgres-airflow",
      "redis-insight",
      "kafka-ui",
    ]) {
      const container = recorder.container(`clinical-mlops-dev-${name}`);
      assert.ok(container.secretKeys.has("envs"), `${name} envs must be secret`);
    }
    assert.ok(recorder.container("clinical-mlops-dev-redis").secretKeys.has("uploads"));
  });

  it("labels every container and volume", () => {
    for (const container of recorder.ofType(TYPES.container)) {
      const labels = labelMap(container);
      const service = (container.inputs.name as string).replace("clinical-mlops-dev-", "");
      assert.deepEqual(labels, {
        "clinical-mlops.stack": "dev",
        "clinical-mlops.level": "0",
        "clinical-mlops.service": service,
        "clinical-mlops.role": service === "minio-setup" ? "job" : "service",
      });
    }
    for (const volume of recorder.ofType(TYPES.volume)) {
      const labels = labelMap(volume);
      assert.equal(labels["clinical-mlops.stack"], "dev");
      assert.equal(labels["clinical-mlops.level"], "0");
      assert.ok(labels["clinical-mlops.service"]);
    }
  });

  it("binds every published port to loopback", () => {
    const published: Record<string, number[]> = {};
    for (const container of recorder.ofType(TYPES.container)) {
      for (const port of container.inputs.ports ?? []) {
        assert.equal(port.ip, "127.0.0.1");
        assert.equal(port.protocol, "tcp");
        (published[container.inputs.name] ??= []).push(port.external);
      }
    }
    assert.deepEqual(published, {
      "clinical-mlops-dev-minio": [9000, 9001],
      "clinical-mlops-dev-postgres-mlflow": [5432],
      "clinical-mlops-dev-postgres-airflow": [5433],
      "clinical-mlops-dev-redis": [6379],
      "clinical-mlops-dev-redis-insight": [5540],
      "clinical-mlops-dev-kafka": [9092],
      "clinical-mlops-dev-kafka-ui": [8090],
    });
  });

  it("pins every image and runs containers by image id", () => {
    for (const image of recorder.ofType(TYPES.remoteImage)) {
      assert.match(image.inputs.name, /:[^:/]+$/);
      assert.doesNotMatch(image.inputs.name, /:latest$/);
      assert.equal(image.inputs.keepLocally, false);
    }
    for (const container of recorder.ofType(TYPES.container)) {
      assert.match(container.inputs.image, /^sha256:[a-f0-9]{64}$/);
    }
  });

  it("health-gates every service and not the job", () => {
    const expectedTests: Record<string, string[]> = {
      minio: ["CMD", "mc", "ready", "local"],
      "postgres-mlflow": ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "mlflow", "-d", "mlflow"],
      "postgres-airflow": [
        "CMD",
        "pg_isready",
        "-h",
        "127.0.0.1",
        "-U",
        "airflow",
        "-d",
        "airflow",
      ],
      redis: ["CMD", "redis-cli", "-e", "ping"],
      zookeeper: ["CMD-SHELL", "echo srvr | nc 127.0.0.1 2181 | grep -q Mode"],
      kafka: [
        "CMD-SHELL",
        "kafka-broker-api-versions --bootstrap-server localhost:29092 >/dev/null 2>&1",
      ],
      "kafka-ui": [
        "CMD",
        "wget",
        "--no-verbose",
        "--tries=1",
        "--spider",
        "http://127.0.0.1:8080/actuator/health",
      ],
    };
    for (const [service, tests] of Object.entries(expectedTests)) {
      const container = recorder.container(`clinical-mlops-dev-${service}`);
      assert.deepEqual(container.inputs.healthcheck.tests, tests, service);
      assert.equal(container.inputs.wait, true, service);
      assert.ok(container.inputs.waitTimeout >= 120, `${service} waitTimeout`);
      assert.equal(container.inputs.restart, "unless-stopped", service);
    }
    const job = recorder.container("clinical-mlops-dev-minio-setup");
    assert.equal(job.inputs.healthcheck, undefined);
    assert.equal(job.inputs.wait, undefined);
  });

  it("gives stateful services a graceful stop", () => {
    const grace: Record<string, number> = {};
    for (const service of [
      "minio",
      "postgres-mlflow",
      "postgres-airflow",
      "redis",
      "zookeeper",
      "kafka",
    ]) {
      grace[service] = recorder.container(
        `clinical-mlops-dev-${service}`,
      ).inputs.destroyGraceSeconds;
    }
    assert.deepEqual(grace, {
      minio: 30,
      "postgres-mlflow": 60,
      "postgres-airflow": 60,
      redis: 30,
      zookeeper: 30,
      kafka: 60,
    });
  });

  it("mounts each volume at the image's data directory", () => {
    const mounts = (service: string) =>
      recorder
        .container(`clinical-mlops-dev-${service}`)
        .inputs.volumes.map((volume: any) => `${volume.volumeName}:${volume.containerPath}`);
    assert.deepEqual(mounts("minio"), ["clinical-mlops-dev-minio-data:/data"]);
    assert.deepEqual(mounts("postgres-mlflow"), [
      "clinical-mlops-dev-postgres-mlflow-data:/var/lib/postgresql/data",
    ]);
    assert.deepEqual(mounts("redis"), ["clinical-mlops-dev-redis-data:/data"]);
    assert.deepEqual(mounts("zookeeper"), [
      "clinical-mlops-dev-zookeeper-data:/var/lib/zookeeper/data",
      "clinical-mlops-dev-zookeeper-log:/var/lib/zookeeper/log",
    ]);
    assert.deepEqual(mounts("kafka"), ["clinical-mlops-dev-kafka-data:/var/lib/kafka/data"]);
  });

  it("configures MinIO and its bucket job", () => {
    const minio = recorder.container("clinical-mlops-dev-minio");
    assert.deepEqual(minio.inputs.command, ["server", "/data", "--console-address", ":9001"]);
    assert.deepEqual(envMap(minio), {
      MINIO_ROOT_USER: "clinical-mlops",
      MINIO_ROOT_PASSWORD: "generated-infrastructure-minio-root-password",
    });

    const job = recorder.container("clinical-mlops-dev-minio-setup");
    assert.equal(job.inputs.image, minio.inputs.image);
    assert.equal(job.inputs.attach, true);
    assert.equal(job.inputs.logs, true);
    assert.equal(job.inputs.mustRun, false);
    assert.deepEqual(job.inputs.entrypoints, ["/bin/sh", "-c"]);
    assert.deepEqual(envMap(job), {
      MC_HOST_local:
        "http://clinical-mlops:generated-infrastructure-minio-root-password@minio:9000",
    });
    const script = job.inputs.command[0] as string;
    for (const line of [
      'mc mb --ignore-existing "local/clinical-mlops"',
      'mc mb --ignore-existing "local/mlflow-artifacts"',
      `printf '' | mc pipe --quiet "local/clinical-mlops/bronze/.keep"`,
      `printf '' | mc pipe --quiet "local/clinical-mlops/silver/.keep"`,
      `printf '' | mc pipe --quiet "local/clinical-mlops/gold/.keep"`,
      `printf '' | mc pipe --quiet "local/clinical-mlops/features/.keep"`,
    ]) {
      assert.ok(script.split("\n").includes(line), `script lacks: ${line}`);
    }
  });

  it("configures PostgreSQL with its own user and database", () => {
    assert.deepEqual(envMap(recorder.container("clinical-mlops-dev-postgres-airflow")), {
      POSTGRES_USER: "airflow",
      POSTGRES_DB: "airflow",
      POSTGRES_PASSWORD: "generated-infrastructure-postgres-airflow-password",
    });
  });

  it("configures Redis persistence and password", () => {
    const redis = recorder.container("clinical-mlops-dev-redis");
    assert.deepEqual(redis.inputs.command, ["redis-server", "/etc/redis.conf"]);
    assert.deepEqual(redis.inputs.uploads, [
      {
        file: "/etc/redis.conf",
        content:
          'appendonly yes\nappendfsync everysec\ndir /data\nrequirepass "generated-infrastructure-redis-password"\n',
      },
    ]);
    assert.deepEqual(envMap(redis), { REDISCLI_AUTH: "generated-infrastructure-redis-password" });
    assert.deepEqual(envMap(recorder.container("clinical-mlops-dev-redis-insight")), {
      RI_REDIS_HOST: "redis",
      RI_REDIS_PORT: "6379",
      RI_REDIS_ALIAS: "clinical-mlops-dev",
      RI_REDIS_PASSWORD: "generated-infrastructure-redis-password",
    });
  });

  it("configures Kafka listeners and Kafka UI", () => {
    const kafka = envMap(recorder.container("clinical-mlops-dev-kafka"));
    assert.equal(kafka.KAFKA_ZOOKEEPER_CONNECT, "zookeeper:2181");
    assert.equal(kafka.KAFKA_ADVERTISED_LISTENERS, "INTERNAL://kafka:29092,HOST://localhost:9092");
    assert.equal(kafka.KAFKA_INTER_BROKER_LISTENER_NAME, "INTERNAL");
    assert.equal(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, "1");
    assert.equal(kafka.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR, "1");
    assert.equal(kafka.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR, "1");
    assert.equal(kafka.KAFKA_HEAP_OPTS, "-Xms512m -Xmx512m");

    const ui = envMap(recorder.container("clinical-mlops-dev-kafka-ui"));
    assert.equal(ui.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS, "kafka:29092");
    assert.equal(ui.AUTH_TYPE, "LOGIN_FORM");
    assert.equal(ui.SPRING_SECURITY_USER_NAME, "clinical-mlops");
    assert.equal(ui.SPRING_SECURITY_USER_PASSWORD, "generated-infrastructure-kafka-ui-password");
  });

  it("joins every container to the stack network under its service name", () => {
    for (const container of recorder.ofType(TYPES.container)) {
      const service = (container.inputs.name as string).replace("clinical-mlops-dev-", "");
      assert.deepEqual(container.inputs.networksAdvanced, [
        { name: "clinical-mlops-dev", aliases: [service] },
      ]);
    }
  });

  it("exports states, access points, connections and secret passwords", async () => {
    assert.deepEqual(outputs.levels, {
      infrastructure: "running",
      "data-ingestion": "absent",
      "data-processing": "absent",
      features: "absent",
      "ml-pipeline": "absent",
      observability: "absent",
    });
    assert.deepEqual(outputs.accessPoints, {
      "minio-api": "http://localhost:9000",
      "minio-console": "http://localhost:9001",
      "postgres-mlflow": "postgresql://localhost:5432",
      "postgres-airflow": "postgresql://localhost:5433",
      redis: "redis://localhost:6379",
      "redis-insight": "http://localhost:5540",
      kafka: "kafka://localhost:9092",
      "kafka-ui": "http://localhost:8090",
    });
    assert.equal(await valueOf(outputs.jobs["minio-setup"]), "minio-setup");
    assert.equal(await pulumi.isSecret(outputs.passwords), true);
    const passwords = await valueOf(outputs.passwords);
    assert.deepEqual(Object.keys(passwords).sort(), [
      "kafkaUiPassword",
      "minioRootPassword",
      "postgresAirflowPassword",
      "postgresMlflowPassword",
      "redisPassword",
    ]);
  });
});

describe("redisConfigFile", () => {
  it("quotes and escapes the password", () => {
    const file = redisConfigFile('pa"ss\\word-0123456789');
    assert.ok(file.split("\n").includes('requirepass "pa\\"ss\\\\word-0123456789"'), file);
  });
});

describe("level 0 stopped", () => {
  it("keeps volumes, images and passwords, and drops containers", async () => {
    const outputs = await declare(levelsConfig({ infrastructure: "stopped" }));
    assert.deepEqual(recorder.physicalNames(TYPES.container), []);
    assert.deepEqual(recorder.physicalNames(TYPES.network), []);
    assert.deepEqual(recorder.physicalNames(TYPES.volume), LEVEL0_VOLUMES);
    assert.deepEqual(recorder.physicalNames(TYPES.remoteImage), LEVEL0_IMAGES);
    const passwords = recorder.ofType(TYPES.randomPassword).map((resource) => resource.name);
    assert.deepEqual(passwords.sort(), LEVEL0_PASSWORDS);
    assert.equal(outputs.levels.infrastructure, "stopped");
    assert.deepEqual(outputs.accessPoints, {});
  });
});

describe("level 0 absent", () => {
  it("declares nothing but the providers and the empty registry", async () => {
    await declare(levelsConfig({ infrastructure: "absent" }));
    const declared = recorder.resources.map((resource) => `${resource.type} ${resource.name}`);
    assert.deepEqual(declared.sort(), [
      "clinical-mlops:components:ImageRegistry images",
      "pulumi:providers:docker docker",
      "pulumi:providers:docker-build docker-build",
    ]);
  });

  it("is the state of a level missing from config", async () => {
    const outputs = await declare({});
    assert.equal(outputs.levels.infrastructure, "absent");
    assert.deepEqual(recorder.physicalNames(TYPES.volume), []);
  });
});

describe("level 0 ordering", () => {
  const edges: [string, string][] = [
    ["infrastructure-zookeeper-container", "clinical-mlops-dev-kafka"],
    ["infrastructure-kafka-container", "clinical-mlops-dev-kafka-ui"],
    ["infrastructure-redis-container", "clinical-mlops-dev-redis-insight"],
    ["infrastructure-minio-container", "clinical-mlops-dev-minio-setup"],
  ];
  for (const [dependency, dependent] of edges) {
    it(`creates ${dependent} only after ${dependency}`, async () => {
      const declare = () => createPlatform(testConfig(levelsConfig({ infrastructure: "running" })));
      await assertCreatedAfter(declare, dependency, dependent);
    });
  }
});

describe("level 0 bucket job failure", () => {
  it("fails the deployment with the exit code and last log lines", async () => {
    recorder.reset();
    const logs = Array.from({ length: 30 }, (_, index) => `line ${index + 1}`).join("\n");
    recorder.jobResults.set("clinical-mlops-dev-minio-setup", {
      exitCode: 1,
      logs: `${logs}\nmc: <ERROR> Unable to make bucket: Access Denied.\n`,
    });
    const outputs = createPlatform(testConfig(levelsConfig({ infrastructure: "running" })));
    await settle();

    await assert.rejects(valueOf(outputs.jobs["minio-setup"]), (error: Error) => {
      assert.match(error.message, /Job minio-setup failed with exit code 1\. Last 20 log lines:/);
      assert.match(error.message, /mc: <ERROR> Unable to make bucket: Access Denied\./);
      assert.match(error.message, /line 30/);
      assert.match(error.message, /line 12\n/);
      assert.doesNotMatch(error.message, /line 11\n/);
      assert.match(error.message, /pulumi up --replace '.*minio-setup-container'/);
      return true;
    });
  });
});

describe("level 0 config", () => {
  it("shifts host ports by portOffset and honours overrides and bindAddress", async () => {
    await declare({
      ...levelsConfig({ infrastructure: "running" }),
      portOffset: "1000",
      bindAddress: "0.0.0.0",
      publicHost: "lab-host.example",
      ports: JSON.stringify({ "kafka-ui": 18090 }),
    });
    const ports = (service: string) =>
      recorder
        .container(`clinical-mlops-dev-${service}`)
        .inputs.ports.map((port: any) => `${port.ip}:${port.external}->${port.internal}`);
    assert.deepEqual(ports("minio"), ["0.0.0.0:10000->9000", "0.0.0.0:10001->9001"]);
    assert.deepEqual(ports("kafka-ui"), ["0.0.0.0:18090->8080"]);
    assert.deepEqual(ports("kafka"), ["0.0.0.0:10092->9092"]);
    const kafka = envMap(recorder.container("clinical-mlops-dev-kafka"));
    assert.equal(
      kafka.KAFKA_ADVERTISED_LISTENERS,
      "INTERNAL://kafka:29092,HOST://lab-host.example:10092",
    );
  });

  it("uses image overrides and shares one image per reference", async () => {
    await declare({
      ...levelsConfig({ infrastructure: "running" }),
      images: JSON.stringify({ "postgres-airflow": "mirror.example/postgres:15.19-bookworm" }),
    });
    const images = recorder.physicalNames(TYPES.remoteImage);
    assert.ok(images.includes("mirror.example/postgres:15.19-bookworm"));
    assert.equal(images.filter((image) => image === DEFAULT_IMAGES["postgres-mlflow"]).length, 1);
    assert.notEqual(
      recorder.container("clinical-mlops-dev-postgres-airflow").inputs.image,
      recorder.container("clinical-mlops-dev-postgres-mlflow").inputs.image,
    );
  });

  it("applies resource limits and their overrides", async () => {
    await declare({
      ...levelsConfig({ infrastructure: "running" }),
      resources: JSON.stringify({ kafka: { memoryMb: 2048 } }),
    });
    const kafka = recorder.container("clinical-mlops-dev-kafka");
    assert.equal(kafka.inputs.memory, 2048);
    assert.equal(envMap(kafka).KAFKA_HEAP_OPTS, "-Xms1024m -Xmx1024m");
    assert.equal(kafka.inputs.cpus, "1");
    assert.equal(recorder.container("clinical-mlops-dev-redis").inputs.memory, 256);
  });

  it("uses a configured password instead of generating one", async () => {
    await declare(levelsConfig({ infrastructure: "running" }), {
      postgresMlflowPassword: "configured-password-12345",
    });
    const generated = recorder.ofType(TYPES.randomPassword).map((resource) => resource.name);
    assert.ok(!generated.includes("infrastructure-postgres-mlflow-password"));
    const env = envMap(recorder.container("clinical-mlops-dev-postgres-mlflow"));
    assert.equal(env.POSTGRES_PASSWORD, "configured-password-12345");
    assert.ok(recorder.container("clinical-mlops-dev-postgres-mlflow").secretKeys.has("envs"));
  });
});
