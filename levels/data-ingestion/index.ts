import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

import { secretOrGenerated } from "../../components/secrets";
import { TYPE_TOKENS } from "../../components/tokens";
import { accessPoints, LevelArgs, serviceImage } from "../common";
import { InfrastructureEndpoints } from "../infrastructure";
import { levelByNumber } from "../model";
import { declareClinicalMq, declareTopics } from "./broker";
import { declareWorkloadImages, declareWorkloads } from "./workloads";

/** Arguments of level 1. */
export interface DataIngestionArgs extends LevelArgs {
  /** Level 0's endpoints; required when the level runs. */
  readonly infrastructure?: InfrastructureEndpoints;
  /** Provider for workload image builds. */
  readonly buildProvider: dockerBuild.Provider;
}

/**
 * Level 1: synthetic clinical data flows from the producer through Kafka and, for lab results,
 * through the data gateway, the Clinical MQ and the lab results processor, into the bronze
 * layer that the Kafka consumer writes to MinIO.
 */
export class DataIngestion extends pulumi.ComponentResource {
  /** Access URL of each published port, keyed by port id; empty unless the level is running. */
  public readonly accessPoints: Record<string, string>;
  /** Name of the topic job once it succeeded; undefined unless the level is running. */
  public readonly topicsReady?: pulumi.Output<string>;
  /** Passwords and tokens of the level, as secrets. */
  public readonly secrets: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: DataIngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE_TOKENS.dataIngestion, name, {}, opts);

    const gatewayToken = secretOrGenerated(
      `${name}-gateway-token`,
      args.config.secrets.gatewayToken,
      {
        parent: this,
      },
    );
    const topicsImage = serviceImage(args, "kafka-topics");
    const workloadImages = declareWorkloadImages(name, args, args.buildProvider, this);
    const mq = declareClinicalMq(name, args, this);
    this.secrets = { gatewayToken };
    this.accessPoints = {};

    if (args.state === "running") {
      if (!mq || !args.infrastructure) {
        throw new pulumi.ResourceError("Level 1 runs only while level 0 runs.", this);
      }
      const kafkaBrokers = declareTopics(
        name,
        args,
        topicsImage,
        args.infrastructure.messaging.bootstrapServers,
        this,
      );
      declareWorkloads(
        name,
        args,
        workloadImages,
        {
          kafkaBrokers,
          objectStorage: args.infrastructure.objectStorage,
          mq,
          gatewayToken,
        },
        this,
      );
      this.topicsReady = kafkaBrokers.apply(() => "kafka-topics");
      this.accessPoints = accessPoints(args.config, levelByNumber(1).services);
      this.secrets = { gatewayToken, rabbitmqPassword: mq.password };
    }

    this.registerOutputs({ accessPoints: this.accessPoints, topicsReady: this.topicsReady });
  }
}
