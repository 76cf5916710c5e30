import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { Job } from "../../components/job";
import { secretOrGenerated } from "../../components/secrets";
import { Service } from "../../components/service";
import { levelVolume } from "../../components/volume";
import { ALL_TOPICS, TopicDefinition } from "../../apps/shared/src/topics";
import { LevelArgs, requireNetwork, serviceImage, serviceLimits, servicePorts } from "../common";

const LEVEL = 1;
const AMQP_PORT = 5672;
/** RabbitMQ user of the workloads. */
export const MQ_USER = "clinical-mlops";

/** The Clinical MQ as seen from inside the stack network. */
export interface ClinicalMq {
  /** `amqp://` URL with the password; resolves once the broker is healthy. */
  readonly url: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
}

/** Returns the shell script that creates every clinical topic; safe to run again. */
export function topicsScript(
  bootstrapServers: string,
  topics: readonly TopicDefinition[] = ALL_TOPICS,
): string {
  const commands = topics.map(
    (topic) =>
      `kafka-topics --bootstrap-server ${bootstrapServers} --create --if-not-exists ` +
      `--topic ${topic.name} --partitions ${topic.partitions} --replication-factor ${topic.replicationFactor}`,
  );
  return [
    "set -eu",
    ...commands,
    `kafka-topics --bootstrap-server ${bootstrapServers} --list`,
  ].join("\n");
}

/** Declares RabbitMQ with the management UI: its volume, image and password, and the broker when running. */
export function declareClinicalMq(
  name: string,
  args: LevelArgs,
  parent: pulumi.Resource,
): ClinicalMq | undefined {
  const { config } = args;
  const image = serviceImage(args, "clinical-mq");
  const volume = levelVolume(
    `${name}-clinical-mq-data`,
    { stack: config.stack, level: LEVEL, service: "clinical-mq", purpose: "data" },
    { parent },
  );
  const password = secretOrGenerated(`${name}-rabbitmq-password`, config.secrets.rabbitmqPassword, {
    parent,
  });
  if (args.state !== "running") {
    return undefined;
  }

  const broker = new Service(
    `${name}-clinical-mq`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "clinical-mq",
      image: image.imageId,
      networkName: requireNetwork(args),
      // RabbitMQ names its node and data directory after the host name; a fixed one lets a
      // replaced container find the queues in the volume.
      hostname: "clinical-mq",
      envs: [
        `RABBITMQ_DEFAULT_USER=${MQ_USER}`,
        pulumi.interpolate`RABBITMQ_DEFAULT_PASS=${password}`,
      ],
      volumes: [{ volume, containerPath: "/var/lib/rabbitmq" }],
      ports: servicePorts(config, "clinical-mq"),
      // Checks that the AMQP and management listeners accept connections, not only that the VM runs.
      healthcheck: {
        test: ["CMD", "rabbitmq-diagnostics", "-q", "check_port_connectivity"],
        intervalSeconds: 10,
        timeoutSeconds: 20,
        retries: 6,
        startPeriodSeconds: 20,
      },
      waitTimeoutSeconds: 240,
      destroyGraceSeconds: 30,
      limits: serviceLimits(config, "clinical-mq"),
    },
    { parent },
  );

  const url = pulumi.interpolate`amqp://${MQ_USER}:${password.apply(encodeURIComponent)}@${broker.endpoint(AMQP_PORT)}`;
  return { url: pulumi.secret(url), password };
}

/**
 * Declares the one-shot job that creates the clinical topics with their partition counts.
 * Returns the bootstrap servers, resolving only once the topics exist.
 */
export function declareTopics(
  name: string,
  args: LevelArgs,
  image: docker.RemoteImage,
  bootstrapServers: pulumi.Output<string>,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const job = new Job(
    `${name}-kafka-topics`,
    {
      stack: args.config.stack,
      level: LEVEL,
      service: "kafka-topics",
      image: image.imageId,
      networkName: requireNetwork(args),
      entrypoints: ["/bin/sh", "-c"],
      command: [bootstrapServers.apply((servers) => topicsScript(servers))],
      limits: serviceLimits(args.config, "kafka-topics"),
    },
    { parent },
  );
  return pulumi.all([bootstrapServers, job.completed]).apply(([servers]) => servers);
}
