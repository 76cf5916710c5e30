import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { ConfigError, nearestMatch, parseStackConfig, readStackConfig } from "../config";
import "./helpers/mocks";

function problemsOf(raw: Record<string, string>): readonly string[] {
  try {
    parseStackConfig("dev", raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error.problems;
  }
  assert.fail("expected the config to be rejected");
}

const levels = (map: Record<string, unknown>) => JSON.stringify(map);

describe("config defaults", () => {
  it("fills every default from an empty config", () => {
    const config = parseStackConfig("dev", {});
    assert.equal(config.bindAddress, "127.0.0.1");
    assert.equal(config.publicHost, "localhost");
    assert.equal(config.minioRootUser, "clinical-mlops");
    assert.equal(config.dockerHost, undefined);
    assert.deepEqual(config.images, {});
    assert.equal(config.hostPorts.kafka, 9092);
    assert.equal(config.hostPorts["postgres-airflow"], 5433);
    assert.equal(config.limits.kafka.memoryMb, 1024);
    assert.deepEqual(Object.values(config.levels), Array(6).fill("absent"));
  });

  it("accepts a full valid config", () => {
    const config = parseStackConfig("dev", {
      levels: levels({
        infrastructure: "running",
        "data-ingestion": "stopped",
        observability: "stopped",
      }),
      bindAddress: "0.0.0.0",
      portOffset: "100",
      ports: JSON.stringify({ kafka: "19092" }),
      images: JSON.stringify({ redis: "mirror.example:5000/redis:7.4.6-bookworm" }),
      resources: JSON.stringify({ kafka: { cpus: 2 } }),
      dockerHost: "ssh://deploy@docker-host",
    });
    assert.equal(config.levels["data-ingestion"], "stopped");
    assert.equal(config.hostPorts.kafka, 19092);
    assert.equal(config.hostPorts["kafka-ui"], 8190);
    assert.equal(config.images.redis, "mirror.example:5000/redis:7.4.6-bookworm");
    assert.deepEqual(config.limits.kafka, { memoryMb: 1024, cpus: 2 });
    assert.equal(config.dockerHost, "ssh://deploy@docker-host");
  });
});

describe("config errors", () => {
  const cases: { name: string; raw: Record<string, string>; expected: string[] }[] = [
    {
      name: "unknown level key",
      raw: { levels: levels({ featurs: "running" }) },
      expected: [
        'levels.featurs is not a known key. Did you mean "features"? Valid keys: infrastructure, data-ingestion, data-processing, features, ml-pipeline, observability.',
      ],
    },
    {
      name: "unknown level state",
      raw: { levels: levels({ infrastructure: "started" }) },
      expected: [
        'levels.infrastructure has the invalid state "started"; valid states are running, stopped, absent.',
      ],
    },
    {
      name: "levels not a map",
      raw: { levels: "running" },
      expected: ["levels must be a map, but its value is not valid JSON: running"],
    },
    {
      name: "levels as a list",
      raw: { levels: JSON.stringify(["infrastructure"]) },
      expected: [
        'levels must be a map from level key to state, for example {"infrastructure": "running"}; got ["infrastructure"].',
      ],
    },
    {
      name: "running level with absent dependency",
      raw: { levels: levels({ "data-ingestion": "running" }) },
      expected: [
        "levels.data-ingestion is running but levels.infrastructure is absent; set levels.infrastructure to running, or run `pipeline --start-level 1`.",
      ],
    },
    {
      name: "running level with stopped dependency",
      raw: { levels: levels({ infrastructure: "stopped", "data-ingestion": "running" }) },
      expected: [
        "levels.data-ingestion is running but levels.infrastructure is stopped; set levels.infrastructure to running, or run `pipeline --start-level 1`.",
      ],
    },
    {
      name: "running level without services",
      raw: { levels: levels({ infrastructure: "running", observability: "running" }) },
      expected: [
        "levels.observability is running, but level 5 (Observability) has no services in this version; set it to absent.",
      ],
    },
    {
      name: "bind address not an IP",
      raw: { bindAddress: "localhost" },
      expected: [
        'bindAddress = "localhost" is not an IP address; use 127.0.0.1 (this host only) or 0.0.0.0 (all interfaces).',
      ],
    },
    {
      name: "negative port offset",
      raw: { portOffset: "-5" },
      expected: ['portOffset = "-5" is invalid; use a whole number from 0 to 49863.'],
    },
    {
      name: "offset beyond the port range",
      raw: { portOffset: "49864" },
      expected: ['portOffset = "49864" is invalid; use a whole number from 0 to 49863.'],
    },
    {
      name: "hexadecimal port offset",
      raw: { portOffset: "0x10" },
      expected: ['portOffset = "0x10" is invalid; use a whole number from 0 to 49863.'],
    },
    {
      name: "empty port offset",
      raw: { portOffset: "" },
      expected: ['portOffset = "" is invalid; use a whole number from 0 to 49863.'],
    },
    {
      name: "port given as a list",
      raw: { ports: JSON.stringify({ kafka: [9093] }) },
      expected: ["ports.kafka = [9093] is invalid; use a port from 1 to 65535."],
    },
    {
      name: "port given as a boolean",
      raw: { ports: JSON.stringify({ kafka: true }) },
      expected: ["ports.kafka = true is invalid; use a port from 1 to 65535."],
    },
    {
      name: "IPv6 public host",
      raw: { publicHost: "::1" },
      expected: [
        'publicHost = "::1" is not a DNS name or IPv4 address; use for example localhost or docker-host.example.',
      ],
    },
    {
      name: "image for a job without its own image",
      raw: { images: JSON.stringify({ "minio-setup": "busybox:1.36" }) },
      expected: ["images.minio-setup is not a known key. Valid keys: minio, "],
    },
    {
      name: "unknown resource key",
      raw: { resources: JSON.stringify({ kafka: { memory: 1 } }) },
      expected: [
        'resources.kafka = {"memory":1} has an unknown key; valid keys are memoryMb and cpus.',
      ],
    },
    {
      name: "boolean cpu limit",
      raw: { resources: JSON.stringify({ kafka: { cpus: true } }) },
      expected: ['resources.kafka = {"cpus":true} '],
    },
    {
      name: "MinIO password over 40 characters",
      raw: { minioRootPassword: "x".repeat(41) },
      expected: [
        "minioRootPassword is longer than the 40 characters MinIO accepts; set another value with `pulumi config set --secret minioRootPassword`, or remove it to have one generated.",
      ],
    },
    {
      name: "secret with whitespace",
      raw: { redisPassword: "long enough password" },
      expected: [
        "redisPassword contains spaces, control characters or non-ASCII characters; set another value with `pulumi config set --secret redisPassword`, or remove it to have one generated.",
      ],
    },
    {
      name: "secret with a line break",
      raw: { redisPassword: 'longenough-pw\nrename-command CONFIG ""' },
      expected: ["redisPassword contains spaces, control characters or non-ASCII characters; "],
    },
    {
      name: "docker host with credentials",
      raw: { dockerHost: "http://user:hunter2hunter2@host" },
      expected: [
        'dockerHost = "http://user:***@host" is invalid; use unix:///path/to/docker.sock, tcp://host:2376 or ssh://user@host.',
      ],
    },
    {
      name: "unknown port id",
      raw: { ports: JSON.stringify({ "kafka-iu": 18090 }) },
      expected: [
        'ports.kafka-iu is not a known key. Did you mean "kafka-ui"? Valid keys: minio-api, minio-console, postgres-mlflow, postgres-airflow, redis, redis-insight, kafka, kafka-ui, data-gateway, clinical-mq-management.',
      ],
    },
    {
      name: "port out of range",
      raw: { ports: JSON.stringify({ redis: 70000 }) },
      expected: ["ports.redis = 70000 is invalid; use a port from 1 to 65535."],
    },
    {
      name: "two services on one host port",
      raw: { ports: JSON.stringify({ "kafka-ui": 9001 }) },
      expected: [
        "ports.minio-console and ports.kafka-ui both use host port 9001; set one of them to a free port.",
      ],
    },
    {
      name: "image without a tag",
      raw: { images: JSON.stringify({ redis: "redis" }) },
      expected: ['images.redis = "redis" has no tag; pin an exact tag.'],
    },
    {
      name: "image tagged latest",
      raw: { images: JSON.stringify({ kafka: "confluentinc/cp-kafka:latest" }) },
      expected: [
        'images.kafka = "confluentinc/cp-kafka:latest" uses the tag latest; pin an exact tag.',
      ],
    },
    {
      name: "image for an unknown service",
      raw: { images: JSON.stringify({ postgres: "postgres:15.14" }) },
      expected: [
        `images.postgres is not a known key. Did you mean "postgres-mlflow"? Valid keys: `,
      ],
    },
    {
      name: "invalid resource limit",
      raw: { resources: JSON.stringify({ kafka: { memoryMb: 4 } }) },
      expected: [
        'resources.kafka = {"memoryMb":4} Too small: expected number to be >=16 (memoryMb).',
      ],
    },
    {
      name: "invalid docker host",
      raw: { dockerHost: "docker-host:2375" },
      expected: [
        'dockerHost = "docker-host:2375" is invalid; use unix:///path/to/docker.sock, tcp://host:2376 or ssh://user@host.',
      ],
    },
    {
      name: "unknown top-level key",
      raw: { bindAdress: "127.0.0.1" },
      expected: [
        'clinical-mlops:bindAdress is not a known key. Did you mean "bindAddress"? Valid keys: ',
      ],
    },
    {
      name: "short configured secret",
      raw: { redisPassword: "hunter2" },
      expected: [
        "redisPassword is set but shorter than 16 characters; set another value with `pulumi config set --secret redisPassword`, or remove it to have one generated.",
      ],
    },
  ];

  for (const testCase of cases) {
    it(`rejects ${testCase.name}`, () => {
      const problems = problemsOf(testCase.raw);
      assert.equal(problems.length, testCase.expected.length, problems.join("\n"));
      testCase.expected.forEach((expected, index) => {
        assert.ok(
          problems[index].startsWith(expected),
          `got: ${problems[index]}\nexpected: ${expected}`,
        );
      });
    });
  }

  it("rejects a stack name Docker cannot use", () => {
    assert.throws(
      () => parseStackConfig("Dev", {}),
      (error: ConfigError) => {
        assert.deepEqual(error.problems, [
          'The stack name "Dev" cannot be part of Docker names; use a stack whose name has only lowercase letters, digits, dots, dashes and underscores.',
        ]);
        return true;
      },
    );
  });

  it("accepts upper case in image tags and digests", () => {
    const digest = `redis@sha256:${"0a".repeat(32)}`;
    const config = parseStackConfig("dev", {
      images: JSON.stringify({
        minio: "quay.io/minio/minio:RELEASE.2025-10-15T17-29-55Z",
        redis: digest,
        kafka: "registry.example:5000/team/cp-kafka:7.9.8",
      }),
    });
    assert.equal(config.images.minio, "quay.io/minio/minio:RELEASE.2025-10-15T17-29-55Z");
    assert.equal(config.images.redis, digest);
  });

  it("rejects upper case in image repositories", () => {
    const problems = problemsOf({ images: JSON.stringify({ redis: "Mirror/Redis:7.4.11" }) });
    assert.match(
      problems[0],
      /^images\.redis = "Mirror\/Redis:7\.4\.11" is not a valid image reference/,
    );
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({
      bindAddress: "nowhere",
      portOffset: "x",
      levels: levels({ features: "on" }),
    });
    assert.equal(problems.length, 3);
  });

  it("never echoes a secret value", () => {
    const problems = problemsOf({ gatewayToken: "s3cr3t" });
    assert.ok(!problems.join("\n").includes("s3cr3t"));
  });

  it("formats the error as a list", () => {
    const error = new ConfigError(["first problem", "second problem"]);
    assert.equal(
      error.message,
      'Invalid stack config in namespace "clinical-mlops":\n  - first problem\n  - second problem',
    );
  });
});

describe("nearestMatch", () => {
  const table: [string, string | undefined][] = [
    ["infrastucture", "infrastructure"],
    ["ml_pipeline", "ml-pipeline"],
    ["Features", "features"],
    ["zzz", undefined],
  ];
  for (const [input, expected] of table) {
    it(`suggests ${expected ?? "nothing"} for ${input}`, () => {
      assert.equal(nearestMatch(input, ["infrastructure", "ml-pipeline", "features"]), expected);
    });
  }
});

describe("readStackConfig", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  it("reads namespaced keys and secrets from the Pulumi config", async () => {
    pulumi.runtime.setAllConfig(
      {
        "clinical-mlops:levels": levels({ infrastructure: "running" }),
        "clinical-mlops:portOffset": "10",
        "clinical-mlops:redisPassword": "a-configured-redis-password",
        "docker:host": "unix:///ignored.sock",
      },
      ["clinical-mlops:redisPassword"],
    );
    const config = readStackConfig();
    assert.equal(config.stack, "dev");
    assert.equal(config.levels.infrastructure, "running");
    assert.equal(config.hostPorts.redis, 6389);
    const secret = config.secrets.redisPassword;
    assert.ok(secret);
    assert.equal(await pulumi.isSecret(secret), true);
    assert.equal(config.secrets.minioRootPassword, undefined);
  });

  it("rejects a misspelt namespace", () => {
    pulumi.runtime.setAllConfig({
      "clinicalmlops:levels": levels({ infrastructure: "running" }),
      "docker:host": "unix:///ignored.sock",
    });
    assert.throws(
      () => readStackConfig(),
      (error: ConfigError) => {
        assert.deepEqual(error.problems, [
          'Config namespace "clinicalmlops" is not read by this program. Did you mean "clinical-mlops"? Move its keys there.',
        ]);
        return true;
      },
    );
  });

  it("throws before any resource exists when config is invalid", () => {
    pulumi.runtime.setAllConfig({ "clinical-mlops:levels": levels({ features: "running" }) });
    assert.throws(() => readStackConfig(), ConfigError);
  });
});
