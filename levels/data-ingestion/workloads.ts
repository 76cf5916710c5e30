import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

import { appImage } from "../../components/app-image";
import { HealthcheckSpec, Service } from "../../components/service";
import { LevelArgs, requireNetwork, serviceLimits, servicePorts } from "../common";
import { BUILT_SERVICES } from "../catalog";
import { DATA_BUCKET, ObjectStorage } from "../infrastructure/storage";
import { ClinicalMq } from "./broker";

const LEVEL = 1;
/** Port of the data gateway's HTTP API inside the container. */
export const GATEWAY_PORT = 8080;
/** Port of `/health` and `/metrics` in the workloads that serve no other HTTP. */
export const HEALTH_PORT = 9464;

type BuiltService = (typeof BUILT_SERVICES)[number];

/** Addresses and credentials that the workloads take from level 0 and from the broker. */
export interface WorkloadInputs {
  /** Bootstrap servers, resolving once the clinical topics exist. */
  readonly kafkaBrokers: pulumi.Output<string>;
  readonly objectStorage: ObjectStorage;
  readonly mq: ClinicalMq;
  readonly gatewayToken: pulumi.Output<string>;
}

/** Returns a health check that fetches `/health` with the Node runtime the app image already has. */
export function nodeHealthcheck(port: number): HealthcheckSpec {
  const probe =
    `fetch('http://127.0.0.1:${port}/health')` +
    ".then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))";
  return { test: ["CMD", "node", "-e", probe], startPeriodSeconds: 10 };
}

/** Declares the image of every workload, built from `apps/` or pulled from an override. */
export function declareWorkloadImages(
  name: string,
  args: LevelArgs,
  buildProvider: dockerBuild.Provider,
  parent: pulumi.Resource,
): Record<BuiltService, pulumi.Output<string>> {
  const images = {} as Record<BuiltService, pulumi.Output<string>>;
  for (const app of BUILT_SERVICES) {
    images[app] = appImage(`${name}-${app}-image`, {
      stack: args.config.stack,
      app,
      override: args.config.images[app],
      registry: args.images,
      buildProvider,
      parent,
    });
  }
  return images;
}

/**
 * Declares the data gateway, the lab results processor, the producer and the bronze writer.
 * Each takes its addresses from the outputs of what it needs, so Pulumi starts it only after
 * those are healthy (or, for topics and buckets, created).
 */
export function declareWorkloads(
  name: string,
  args: LevelArgs,
  images: Record<BuiltService, pulumi.Output<string>>,
  inputs: WorkloadInputs,
  parent: pulumi.Resource,
): void {
  const { config } = args;
  const networkName = requireNetwork(args);
  const service = (app: BuiltService, envs: pulumi.Input<pulumi.Input<string>[]>, port: number) =>
    new Service(
      `${name}-${app}`,
      {
        stack: config.stack,
        level: LEVEL,
        service: app,
        image: images[app],
        networkName,
        envs,
        ports: servicePorts(config, app),
        healthcheck: nodeHealthcheck(port),
        waitTimeoutSeconds: 180,
        // Matches the apps' shutdown budget: flush, commit and close before SIGKILL.
        destroyGraceSeconds: 30,
        limits: serviceLimits(config, app),
      },
      { parent },
    );

  const gateway = service(
    "data-gateway",
    [
      `PORT=${GATEWAY_PORT}`,
      pulumi.interpolate`AMQP_URL=${inputs.mq.url}`,
      pulumi.interpolate`GATEWAY_TOKEN=${inputs.gatewayToken}`,
    ],
    GATEWAY_PORT,
  );
  service(
    "lab-results-processor",
    [
      `HEALTH_PORT=${HEALTH_PORT}`,
      pulumi.interpolate`AMQP_URL=${inputs.mq.url}`,
      pulumi.interpolate`KAFKA_BROKERS=${inputs.kafkaBrokers}`,
      "KAFKA_CLIENT_ID=lab-results-processor",
    ],
    HEALTH_PORT,
  );
  service(
    "kafka-producer",
    [
      `HEALTH_PORT=${HEALTH_PORT}`,
      pulumi.interpolate`KAFKA_BROKERS=${inputs.kafkaBrokers}`,
      "KAFKA_CLIENT_ID=kafka-producer",
      pulumi.interpolate`GATEWAY_URL=http://${gateway.endpoint(GATEWAY_PORT)}`,
      pulumi.interpolate`GATEWAY_TOKEN=${inputs.gatewayToken}`,
    ],
    HEALTH_PORT,
  );

  const storage = inputs.objectStorage;
  // The endpoint is handed over only once the buckets exist.
  const s3Endpoint = pulumi
    .all([storage.endpoint, storage.bucketsReady])
    .apply(([endpoint]) => endpoint);
  service(
    "kafka-consumer",
    [
      `HEALTH_PORT=${HEALTH_PORT}`,
      pulumi.interpolate`KAFKA_BROKERS=${inputs.kafkaBrokers}`,
      "KAFKA_CLIENT_ID=kafka-consumer",
      pulumi.interpolate`S3_ENDPOINT=${s3Endpoint}`,
      `S3_ACCESS_KEY_ID=${storage.accessKeyId}`,
      pulumi.interpolate`S3_SECRET_ACCESS_KEY=${storage.secretAccessKey}`,
      `S3_BUCKET=${DATA_BUCKET}`,
    ],
    HEALTH_PORT,
  );
}
