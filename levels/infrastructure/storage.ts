import * as pulumi from "@pulumi/pulumi";

import { Job } from "../../components/job";
import { secretOrGenerated } from "../../components/secrets";
import { Service } from "../../components/service";
import { levelVolume } from "../../components/volume";
import { LevelArgs, requireNetwork, serviceImage, serviceLimits, servicePorts } from "../common";

/** Bucket for the bronze, silver, gold and features layers. */
export const DATA_BUCKET = "clinical-mlops";
/** Bucket for MLflow run artifacts. */
export const MLFLOW_BUCKET = "mlflow-artifacts";
/** Prefixes created in the data bucket, so browsing it shows the layout from the start. */
export const DATA_PREFIXES = ["bronze", "silver", "gold", "features"] as const;

const LEVEL = 0;
const API_PORT = 9000;
const CONSOLE_PORT = 9001;

/** MinIO as seen from inside the stack network, available once the buckets exist. */
export interface ObjectStorage {
  /** S3 endpoint URL on the stack network, for example `http://minio:9000`. */
  readonly endpoint: pulumi.Output<string>;
  /** Root user name, used as the S3 access key id. */
  readonly accessKeyId: string;
  /** Root password, used as the S3 secret access key. */
  readonly secretAccessKey: pulumi.Output<string>;
  /** Resolves once the setup job has created the buckets. */
  readonly bucketsReady: pulumi.Output<string>;
}

/** Returns the shell script that creates the buckets and prefixes; safe to run again. */
export function bucketSetupScript(): string {
  const prefixes = DATA_PREFIXES.map(
    (prefix) => `printf '' | mc pipe --quiet "local/${DATA_BUCKET}/${prefix}/.keep"`,
  );
  return [
    "set -eu",
    `mc mb --ignore-existing "local/${DATA_BUCKET}"`,
    `mc mb --ignore-existing "local/${MLFLOW_BUCKET}"`,
    ...prefixes,
    `echo "Buckets ${DATA_BUCKET} and ${MLFLOW_BUCKET} are ready."`,
  ].join("\n");
}

/**
 * Declares MinIO's volume, image and root password, and when the level runs, the server and the
 * one-shot job that creates the buckets.
 */
export function declareObjectStorage(
  name: string,
  args: LevelArgs,
  parent: pulumi.Resource,
): ObjectStorage | undefined {
  const { config } = args;
  const image = serviceImage(args, "minio");
  const volume = levelVolume(
    `${name}-minio-data`,
    { stack: config.stack, level: LEVEL, service: "minio", purpose: "data" },
    { parent },
  );
  const rootPassword = secretOrGenerated(
    `${name}-minio-root-password`,
    config.secrets.minioRootPassword,
    { parent },
  );
  if (args.state !== "running") {
    return undefined;
  }

  const networkName = requireNetwork(args);
  const rootUser = config.minioRootUser;
  const server = new Service(
    `${name}-minio`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "minio",
      image: image.imageId,
      networkName,
      command: ["server", "/data", "--console-address", `:${CONSOLE_PORT}`],
      envs: [
        `MINIO_ROOT_USER=${rootUser}`,
        pulumi.interpolate`MINIO_ROOT_PASSWORD=${rootPassword}`,
      ],
      volumes: [{ volume, containerPath: "/data" }],
      ports: servicePorts(config, "minio"),
      // The image ships the mc client. `mc ready` polls the health API until it responds and never
      // exits non-zero, so the probe timeout is what marks a dead server unhealthy.
      healthcheck: {
        test: ["CMD", "mc", "ready", "local"],
        timeoutSeconds: 5,
        startPeriodSeconds: 5,
      },
      waitTimeoutSeconds: 120,
      destroyGraceSeconds: 30,
      limits: serviceLimits(config, "minio"),
    },
    { parent },
  );

  const endpoint = pulumi.interpolate`http://${server.endpoint(API_PORT)}`;
  const setup = new Job(
    `${name}-minio-setup`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "minio-setup",
      image: image.imageId,
      networkName,
      entrypoints: ["/bin/sh", "-c"],
      command: [bucketSetupScript()],
      // mc reads the alias `local` from MC_HOST_local, so the password is never on a command line.
      envs: [
        pulumi.interpolate`MC_HOST_local=http://${encodeURIComponent(rootUser)}:${rootPassword.apply(encodeURIComponent)}@${server.endpoint(API_PORT)}`,
      ],
      limits: serviceLimits(config, "minio-setup"),
    },
    { parent },
  );

  return {
    endpoint,
    accessKeyId: rootUser,
    secretAccessKey: rootPassword,
    bucketsReady: setup.completed,
  };
}
