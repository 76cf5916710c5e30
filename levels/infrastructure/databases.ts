import * as pulumi from "@pulumi/pulumi";

import { secretOrGenerated } from "../../components/secrets";
import { Service } from "../../components/service";
import { levelVolume } from "../../components/volume";
import { SecretKey } from "../../config";
import { LevelArgs, requireNetwork, serviceImage, serviceLimits, servicePorts } from "../common";

const LEVEL = 0;
const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;

/** A PostgreSQL database on the stack network. */
export interface Database {
  /** Host name on the stack network; resolves once the server is healthy. */
  readonly host: pulumi.Output<string>;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: pulumi.Output<string>;
}

/** Redis on the stack network. */
export interface Cache {
  /** Host name on the stack network; resolves once the server is healthy. */
  readonly host: pulumi.Output<string>;
  readonly port: number;
  readonly password: pulumi.Output<string>;
}

interface PostgresSpec {
  /** Service name from the level model. */
  readonly service: "postgres-mlflow" | "postgres-airflow";
  /** Database and owner name. */
  readonly database: string;
  /** Config key of the password. */
  readonly passwordKey: SecretKey;
}

export const POSTGRES_SPECS: readonly PostgresSpec[] = [
  { service: "postgres-mlflow", database: "mlflow", passwordKey: "postgresMlflowPassword" },
  { service: "postgres-airflow", database: "airflow", passwordKey: "postgresAirflowPassword" },
];

/** Declares one PostgreSQL server with its own volume, user, database and password. */
export function declarePostgres(
  name: string,
  spec: PostgresSpec,
  args: LevelArgs,
  parent: pulumi.Resource,
): Database | undefined {
  const { config } = args;
  const image = serviceImage(args, spec.service);
  const volume = levelVolume(
    `${name}-${spec.service}-data`,
    { stack: config.stack, level: LEVEL, service: spec.service, purpose: "data" },
    { parent },
  );
  const password = secretOrGenerated(
    `${name}-${spec.service}-password`,
    config.secrets[spec.passwordKey],
    { parent },
  );
  if (args.state !== "running") {
    return undefined;
  }

  const server = new Service(
    `${name}-${spec.service}`,
    {
      stack: config.stack,
      level: LEVEL,
      service: spec.service,
      image: image.imageId,
      networkName: requireNetwork(args),
      envs: [
        `POSTGRES_USER=${spec.database}`,
        `POSTGRES_DB=${spec.database}`,
        pulumi.interpolate`POSTGRES_PASSWORD=${password}`,
      ],
      volumes: [{ volume, containerPath: "/var/lib/postgresql/data" }],
      ports: servicePorts(config, spec.service),
      // Probing over TCP: during first-run init the entrypoint's temporary server listens on the
      // Unix socket only, so a socket probe would report healthy before the real server is up.
      healthcheck: {
        test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", spec.database, "-d", spec.database],
      },
      waitTimeoutSeconds: 120,
      destroyGraceSeconds: 60,
      limits: serviceLimits(config, spec.service),
    },
    { parent },
  );

  return {
    host: server.host,
    port: POSTGRES_PORT,
    database: spec.database,
    user: spec.database,
    password,
  };
}

/** Returns the Redis config file: append-only persistence and a required password. */
export function redisConfigFile(password: string): string {
  // Redis reads a double-quoted value with backslash escapes, so any printable password fits.
  const quoted = `"${password.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return ["appendonly yes", "appendfsync everysec", "dir /data", `requirepass ${quoted}`, ""].join(
    "\n",
  );
}

/** Declares Redis with append-only persistence and, when it runs, Redis Insight beside it. */
export function declareCache(
  name: string,
  args: LevelArgs,
  parent: pulumi.Resource,
): Cache | undefined {
  const { config } = args;
  const redisImage = serviceImage(args, "redis");
  const insightImage = serviceImage(args, "redis-insight");
  const redisVolume = levelVolume(
    `${name}-redis-data`,
    { stack: config.stack, level: LEVEL, service: "redis", purpose: "data" },
    { parent },
  );
  const insightVolume = levelVolume(
    `${name}-redis-insight-data`,
    { stack: config.stack, level: LEVEL, service: "redis-insight", purpose: "data" },
    { parent },
  );
  const password = secretOrGenerated(`${name}-redis-password`, config.secrets.redisPassword, {
    parent,
  });
  if (args.state !== "running") {
    return undefined;
  }

  const networkName = requireNetwork(args);
  const configPath = "/etc/redis.conf";
  const redis = new Service(
    `${name}-redis`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "redis",
      image: redisImage.imageId,
      networkName,
      // The password lives in an uploaded config file rather than on the command line, where
      // every process in the container could read it.
      command: ["redis-server", configPath],
      uploads: [{ file: configPath, content: password.apply(redisConfigFile) }],
      // redis-cli reads the password from REDISCLI_AUTH; `-e` makes an error reply such as
      // NOAUTH exit non-zero.
      envs: [pulumi.interpolate`REDISCLI_AUTH=${password}`],
      volumes: [{ volume: redisVolume, containerPath: "/data" }],
      ports: servicePorts(config, "redis"),
      healthcheck: { test: ["CMD", "redis-cli", "-e", "ping"] },
      destroyGraceSeconds: 30,
      limits: serviceLimits(config, "redis"),
    },
    { parent },
  );

  new Service(
    `${name}-redis-insight`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "redis-insight",
      image: insightImage.imageId,
      networkName,
      // Preconfigures the connection to this stack's Redis.
      envs: [
        pulumi.interpolate`RI_REDIS_HOST=${redis.host}`,
        `RI_REDIS_PORT=${REDIS_PORT}`,
        `RI_REDIS_ALIAS=clinical-mlops-${config.stack}`,
        pulumi.interpolate`RI_REDIS_PASSWORD=${password}`,
      ],
      volumes: [{ volume: insightVolume, containerPath: "/data" }],
      ports: servicePorts(config, "redis-insight"),
      healthcheck: {
        test: [
          "CMD",
          "node",
          "-e",
          "fetch('http://127.0.0.1:5540/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        startPeriodSeconds: 20,
      },
      waitTimeoutSeconds: 180,
      limits: serviceLimits(config, "redis-insight"),
    },
    { parent },
  );

  return { host: redis.host, port: REDIS_PORT, password };
}
