import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { StackConfig } from "../config";
import { ImageRegistry } from "../components/images";
import { LABEL_KEYS, networkName } from "../components/naming";
import { LevelArgs } from "./common";
import { Infrastructure } from "./infrastructure";
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
  /** Passwords of running services, as a Pulumi secret. */
  readonly passwords: pulumi.Output<Record<string, string>>;
  /** Name of each finished one-shot job; fails the update when a job exited with an error. */
  readonly jobs: Record<string, pulumi.Output<string>>;
}

/**
 * Declares the Docker provider, the shared images, the stack network and every level that is
 * not absent, in the states that `config.levels` sets.
 */
export function createPlatform(config: StackConfig): PlatformOutputs {
  // An explicit provider from the start: moving resources between the default provider and an
  // explicit one later would replace them. Without `dockerHost` it uses DOCKER_HOST or the socket.
  const provider = new docker.Provider("docker", { host: config.dockerHost });
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

  const outputs: PlatformOutputs = {
    levels: { ...config.levels },
    accessPoints: {},
    connections: {},
    passwords: pulumi.secret<Record<string, string>>({}),
    jobs: {},
  };

  const infrastructureState = config.levels.infrastructure;
  if (infrastructureState === "absent") {
    return outputs;
  }
  const levelArgs: LevelArgs = {
    config,
    state: infrastructureState,
    images,
    networkName: network?.name,
  };
  const infrastructure = new Infrastructure("infrastructure", levelArgs, { providers: [provider] });
  return { ...outputs, ...infrastructureOutputs(infrastructure) };
}

function infrastructureOutputs(infrastructure: Infrastructure) {
  const endpoints = infrastructure.endpoints;
  if (!endpoints) {
    return {};
  }
  const { objectStorage, mlflowDatabase, airflowDatabase, cache, messaging } = endpoints;
  const database = (db: typeof mlflowDatabase) => ({
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.user,
  });
  return {
    accessPoints: infrastructure.accessPoints,
    connections: {
      minio: { endpoint: objectStorage.endpoint, accessKeyId: objectStorage.accessKeyId },
      mlflowDatabase: database(mlflowDatabase),
      airflowDatabase: database(airflowDatabase),
      redis: { host: cache.host, port: cache.port },
      kafka: { bootstrapServers: messaging.bootstrapServers },
      kafkaUi: { user: KAFKA_UI_USER },
    },
    passwords: pulumi.secret(
      pulumi.all({
        minioRootPassword: objectStorage.secretAccessKey,
        postgresMlflowPassword: mlflowDatabase.password,
        postgresAirflowPassword: airflowDatabase.password,
        redisPassword: cache.password,
        kafkaUiPassword: messaging.uiPassword,
      }),
    ),
    jobs: { "minio-setup": objectStorage.bucketsReady },
  };
}
