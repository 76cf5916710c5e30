import * as pulumi from "@pulumi/pulumi";

import { TYPE_TOKENS } from "../../components/tokens";
import { accessPoints, LevelArgs } from "../common";
import { levelByNumber } from "../model";
import { Cache, Database, declareCache, declarePostgres, POSTGRES_SPECS } from "./databases";
import { declareMessaging, Messaging } from "./messaging";
import { declareObjectStorage, ObjectStorage } from "./storage";

/** Endpoints that level 0 offers to the levels above it while it runs. */
export interface InfrastructureEndpoints {
  readonly objectStorage: ObjectStorage;
  readonly mlflowDatabase: Database;
  readonly airflowDatabase: Database;
  readonly cache: Cache;
  readonly messaging: Messaging;
}

/**
 * Level 0: MinIO with its buckets, PostgreSQL for MLflow and for Airflow, Redis with Redis
 * Insight, and ZooKeeper, Kafka and Kafka UI.
 */
export class Infrastructure extends pulumi.ComponentResource {
  /** Endpoints for dependent levels; undefined unless the level is running. */
  public readonly endpoints?: InfrastructureEndpoints;
  /** Access URL of each published port, keyed by port id; empty unless the level is running. */
  public readonly accessPoints: Record<string, string>;

  constructor(name: string, args: LevelArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE_TOKENS.infrastructure, name, {}, opts);

    const objectStorage = declareObjectStorage(name, args, this);
    const [mlflowDatabase, airflowDatabase] = POSTGRES_SPECS.map((spec) =>
      declarePostgres(name, spec, args, this),
    );
    const cache = declareCache(name, args, this);
    const messaging = declareMessaging(name, args, this);

    if (objectStorage && mlflowDatabase && airflowDatabase && cache && messaging) {
      this.endpoints = { objectStorage, mlflowDatabase, airflowDatabase, cache, messaging };
    }
    this.accessPoints =
      args.state === "running" ? accessPoints(args.config, levelByNumber(0).services) : {};

    this.registerOutputs({
      accessPoints: this.accessPoints,
      bucketsReady: objectStorage?.bucketsReady,
    });
  }
}
