import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { ResourceLimits } from "../levels/catalog";
import { LevelNumber } from "../levels/model";
import { ContainerRole, LABEL_KEYS, physicalName } from "./naming";
import { TYPE_TOKENS } from "./tokens";

/** A container port published on the Docker host. */
export interface PortBinding {
  /** Port inside the container. */
  readonly internal: number;
  /** Port on the host. */
  readonly external: number;
  /** Host address to bind, for example 127.0.0.1. */
  readonly ip: string;
}

/** A named volume mounted into the container. */
export interface VolumeMount {
  /** The volume; its name is passed as an output so Pulumi deletes the container first. */
  readonly volume: docker.Volume;
  /** Absolute path inside the container. */
  readonly containerPath: string;
}

/** Docker health check of a service. */
export interface HealthcheckSpec {
  /** Test in Docker's form: `["CMD", ...]` or `["CMD-SHELL", "..."]`. */
  readonly test: readonly string[];
  /** Seconds between probes. Defaults to 5 s. */
  readonly intervalSeconds?: number;
  /** Seconds before a probe counts as failed. Defaults to 5 s. */
  readonly timeoutSeconds?: number;
  /** Failed probes in a row before the container is unhealthy. Defaults to 5. */
  readonly retries?: number;
  /** Seconds after start during which failed probes do not count. Defaults to 10 s. */
  readonly startPeriodSeconds?: number;
}

/** Settings shared by long-running services and one-shot jobs. */
export interface ContainerBaseArgs {
  /** Pulumi stack name; part of the physical container name. */
  readonly stack: string;
  /** Level that owns the container. */
  readonly level: LevelNumber;
  /** Service or job name from the level model; also the container's network alias. */
  readonly service: string;
  /** Image ID to run, usually `RemoteImage.imageId`, so the container follows image changes. */
  readonly image: pulumi.Input<string>;
  /** Name of the stack's Docker network. */
  readonly networkName: pulumi.Input<string>;
  /** Environment as `KEY=value` strings. */
  readonly envs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Command that replaces the image's CMD. Defaults to the image's. */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /** Entrypoint that replaces the image's ENTRYPOINT. Defaults to the image's. */
  readonly entrypoints?: pulumi.Input<string>[];
  /** Named volumes to mount. Defaults to none. */
  readonly volumes?: readonly VolumeMount[];
  /** Files copied into the container before it starts. Defaults to none. */
  readonly uploads?: pulumi.Input<docker.types.input.ContainerUpload>[];
  /** Memory and CPU limits. */
  readonly limits: ResourceLimits;
  /** User to run as, `uid[:gid]`. Defaults to the image's. */
  readonly user?: string;
  /** Container host name. Defaults to Docker's, the container id. */
  readonly hostname?: string;
}

/** Arguments of a long-running, health-gated service. */
export interface ServiceArgs extends ContainerBaseArgs {
  /** Host port bindings. Defaults to none. */
  readonly ports?: readonly PortBinding[];
  /** Health check; `pulumi up` waits until it passes before dependents are created. */
  readonly healthcheck: HealthcheckSpec;
  /** Seconds `pulumi up` waits for the container to become healthy. Defaults to 120 s. */
  readonly waitTimeoutSeconds?: number;
  /**
   * Seconds between SIGTERM and SIGKILL when the container is removed. Defaults to 10 s; the
   * provider's own default is an immediate kill, which would cut off a database's shutdown.
   */
  readonly destroyGraceSeconds?: number;
}

/** Returns the labels that the `pipeline` command and `docker ps --filter` select on. */
export function containerLabels(
  stack: string,
  level: LevelNumber,
  service: string,
  role: ContainerRole,
): docker.types.input.ContainerLabel[] {
  return [
    { label: LABEL_KEYS.stack, value: stack },
    { label: LABEL_KEYS.level, value: String(level) },
    { label: LABEL_KEYS.service, value: service },
    { label: LABEL_KEYS.role, value: role },
  ];
}

/** Returns the container inputs that services and jobs share. */
export function baseContainerArgs(
  args: ContainerBaseArgs,
  role: ContainerRole,
): docker.ContainerArgs {
  return {
    name: physicalName(args.stack, args.service),
    image: args.image,
    envs: args.envs,
    command: args.command,
    entrypoints: args.entrypoints,
    user: args.user,
    hostname: args.hostname,
    labels: containerLabels(args.stack, args.level, args.service, role),
    networksAdvanced: [{ name: args.networkName, aliases: [args.service] }],
    volumes: (args.volumes ?? []).map((mount) => ({
      volumeName: mount.volume.name,
      containerPath: mount.containerPath,
    })),
    uploads: args.uploads,
    memory: args.limits.memoryMb,
    cpus: String(args.limits.cpus),
  };
}

function toDuration(seconds: number): string {
  return `${seconds}s`;
}

/**
 * A long-running container that Pulumi creates only after the containers it takes addresses from
 * are healthy, and reports as created only once its own health check passes.
 */
export class Service extends pulumi.ComponentResource {
  /** The Docker container. */
  public readonly container: docker.Container;
  /** The service's host name on the stack network; resolves once the container is healthy. */
  public readonly host: pulumi.Output<string>;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE_TOKENS.service, name, {}, opts);

    const healthcheck = args.healthcheck;
    this.container = new docker.Container(
      `${name}-container`,
      {
        ...baseContainerArgs(args, "service"),
        ports: [...(args.ports ?? [])]
          .sort((left, right) => left.internal - right.internal)
          .map((port) => ({ ...port, protocol: "tcp" })),
        healthcheck: {
          tests: [...healthcheck.test],
          interval: toDuration(healthcheck.intervalSeconds ?? 5),
          timeout: toDuration(healthcheck.timeoutSeconds ?? 5),
          retries: healthcheck.retries ?? 5,
          startPeriod: toDuration(healthcheck.startPeriodSeconds ?? 10),
        },
        wait: true,
        waitTimeout: args.waitTimeoutSeconds ?? 120,
        destroyGraceSeconds: args.destroyGraceSeconds ?? 10,
        restart: "unless-stopped",
      },
      // Frees the fixed container name and host ports before a replacement starts.
      { parent: this, deleteBeforeReplace: true },
    );

    // Derived from a container output, so a resource that uses the host waits for the healthy container.
    this.host = this.container.name.apply(() => args.service);

    this.registerOutputs({ host: this.host });
  }

  /** Returns `host:port` on the stack network, resolving once the container is healthy. */
  endpoint(port: number): pulumi.Output<string> {
    return pulumi.interpolate`${this.host}:${port}`;
  }
}
