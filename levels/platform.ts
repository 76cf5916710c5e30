import * as docker from "@pulumi/docker";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

import { StackConfig } from "../config";
import { ImageRegistry } from "../components/images";
import { LABEL_KEYS, networkName } from "../components/naming";
import { LevelArgs } from "./common";
import { DataIngestion } from "./data-ingestion";
import { MQ_USER } from "./data-ingestion/broker";
import { Infrastructure, InfrastructureEndpoints } from "./infrastructure";
import { KAFKA_UI_USER } from "./infrastructure/messaging";
import { LEVELS, LevelState } from "./model";

/** Everything the program exports as stack outputs. */
export interface PlatformOutputs {
  /** Effective state of every level. */
  readonly levels: Record<string, LevelState>;
  /** Access URL of each published port of the running services, keyed by port id. */
  readonly accessPoints: Record<string, string>;
  /** Host, port, database and user of each running data service; no passwords. */
  readonly connections: Record<string, unknown>;
  /** Passwords and tokens of running services, as a Pulumi secret. */
  readonly passwords: pulumi.Output<Record<string, string>>;
  /** Name of each finished one-shot job; fails the update when a job exited with an error. */
  readonly jobs: Record<string, pulumi.Output<string>>;
}

/**
 * Declares the Docker providers, the shared images, the stack network and every level that is
 * not absent, in the states that `config.levels` sets.
 */
export function createPlatform(config: StackConfig): PlatformOutputs {
  // Explicit providers from the start: moving resources between the default provider and an
  // explicit one later would replace them. Without `dockerHost` they use DOCKER_HOST or the socket.
  const provider = new docker.Provider("docker", { host: config.dockerHost });
  const buildProvider = new dockerBuild.Provider("docker-build", { host: config.dockerHost });
  const images = new ImageRegistry("images", { provider });

  const anyRunning = LEVELS.some((level) => config.levels[level.key] === "running");
  const network = anyRunning
    ? new docker.Network(
        "network",
        {
          name: networkName(config.stack),
          driver: "bridge",
          labels: [{ label: LABEL_KEYS.stack, value: config.stack }],
        },
        { provider },
      )
    : undefined;

  const accessPoints: Record<string, string> = {};
  const connections: Record<string, unknown> = {};
  const passwords: Record<string, pulumi.Output<string>> = {};
  const jobs: Record<string, pulumi.Output<string>> = {};
  const levelArgs = (state: LevelState): LevelArgs | undefined =>
    state === "absent" ? undefined : { config, state, images, networkName: network?.name };

  let endpoints: InfrastructureEndpoints | undefined;
  const infrastructureArgs = levelArgs(config.levels.infrastructure);
  if (infrastructureArgs) {
    const infrastructure = new Infrastructure("infrastructure", infrastructureArgs, {
      providers: [provider],
    });
    endpoints = infrastructure.endpoints;
    Object.assign(accessPoints, infrastructure.accessPoints);
    if (endpoints) {
      Object.assign(connections, infrastructureConnections(endpoints));
      Object.assign(passwords, infrastructurePasswords(endpoints));
      jobs["minio-setup"] = endpoints.objectStorage.bucketsReady;
    }
  }

  const ingestionArgs = levelArgs(config.levels["data-ingestion"]);
  if (ingestionArgs) {
    const ingestion = new DataIngestion(
      "data-ingestion",
      { ...ingestionArgs, infrastructure: endpoints, buildProvider },
      { providers: [provider, buildProvider] },
    );
    Object.assign(accessPoints, ingestion.accessPoints);
    if (ingestion.topicsReady) {
      jobs["kafka-topics"] = ingestion.topicsReady;
      connections.clinicalMq = { host: "clinical-mq", port: 5672, user: MQ_USER };
      Object.assign(passwords, ingestion.secrets);
    }
  }

  return {
    levels: { ...config.levels },
    accessPoints,
    connections,
    passwords: pulumi.secret(pulumi.all(passwords)),
    jobs,
  };
}

function infrastructureConnections(endpoints: InfrastructureEndpoints): Record<string, unknown> {
  const { objectStorage, mlflowDatabase, airflowDatabase, cache, messaging } = endpoints;
  const database = (db: typeof mlflowDatabase) => ({
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.user,
  });
  return {
    minio: { endpoint: objectStorage.endpoint, accessKeyId: objectStorage.accessKeyId },
    mlflowDatabase: database(mlflowDatabase),
    airflowDatabase: database(airflowDatabase),
    redis: { host: cache.host, port: cache.port },
    kafka: { bootstrapServers: messaging.bootstrapServers },
    kafkaUi: { user: KAFKA_UI_USER },
  };
}

function infrastructurePasswords(
  endpoints: InfrastructureEndpoints,
): Record<string, pulumi.Output<string>> {
  return {
    minioRootPassword: endpoints.objectStorage.secretAccessKey,
    postgresMlflowPassword: endpoints.mlflowDatabase.password,
    postgresAirflowPassword: endpoints.airflowDatabase.password,
    redisPassword: endpoints.cache.password,
    kafkaUiPassword: endpoints.messaging.uiPassword,
  };
}
