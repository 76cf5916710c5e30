import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { StackConfig } from "../config";
import { ImageRegistry } from "../components/images";
import { PortBinding } from "../components/service";
import { DEFAULT_IMAGES, FALLBACK_LIMITS, PUBLISHED_PORTS, ResourceLimits } from "./catalog";

/** Arguments that every level component receives from the platform. */
export interface LevelArgs {
  /** Validated stack config. */
  readonly config: StackConfig;
  /** `running` declares containers; `stopped` declares only the level's volumes and images. */
  readonly state: "running" | "stopped";
  /** Shared image registry; each reference is pulled once per stack. */
  readonly images: ImageRegistry;
  /** Name of the stack network; set whenever any level is running. */
  readonly networkName?: pulumi.Output<string>;
}

/** Returns the image of a service: the `images` override, or else the pinned default. */
export function serviceImage(args: LevelArgs, service: string): docker.RemoteImage {
  const reference = args.config.images[service] ?? DEFAULT_IMAGES[service];
  if (reference === undefined) {
    throw new Error(`No image is defined for service ${service}; add it to DEFAULT_IMAGES.`);
  }
  return args.images.pull(reference);
}

/** Returns the host port bindings of a service from the effective config. */
export function servicePorts(config: StackConfig, service: string): PortBinding[] {
  return PUBLISHED_PORTS.filter((port) => port.service === service).map((port) => ({
    internal: port.containerPort,
    external: config.hostPorts[port.id],
    ip: config.bindAddress,
  }));
}

/** Returns the access URL of every published port of the given services, keyed by port id. */
export function accessPoints(
  config: StackConfig,
  services: readonly string[],
): Record<string, string> {
  const points: Record<string, string> = {};
  for (const port of PUBLISHED_PORTS) {
    if (services.includes(port.service)) {
      points[port.id] = `${port.scheme}://${config.publicHost}:${config.hostPorts[port.id]}`;
    }
  }
  return points;
}

/** Returns the effective limits of a service. */
export function serviceLimits(config: StackConfig, service: string): ResourceLimits {
  return config.limits[service] ?? FALLBACK_LIMITS;
}

/** Returns the network name of a running level, or throws when the platform passed none. */
export function requireNetwork(args: LevelArgs): pulumi.Output<string> {
  if (args.networkName === undefined) {
    throw new Error("A running level needs the stack network; the platform passed none.");
  }
  return args.networkName;
}
