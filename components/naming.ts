/**
 * Physical Docker names and labels. Every container, volume and network name comes from here,
 * so two stacks of this project can share one Docker host without collisions.
 */

export const PROJECT_NAME = "clinical-mlops";

/** Labels on every container and volume; the `pipeline` command and `docker ps --filter` use them. */
export const LABEL_KEYS = {
  /** Pulumi stack name, for example `dev`. */
  stack: "clinical-mlops.stack",
  /** Level number, 0 to 5, as a string. */
  level: "clinical-mlops.level",
  /** Service or job name from the level model, for example `kafka`. */
  service: "clinical-mlops.service",
  /** `service` for a long-running container, `job` for a one-shot container. */
  role: "clinical-mlops.role",
} as const;

export type ContainerRole = "service" | "job";

/** Returns the Docker name of a stack-owned object, for example `clinical-mlops-dev-kafka`. */
export function physicalName(stack: string, suffix: string): string {
  return `${PROJECT_NAME}-${stack}-${suffix}`;
}

/** Returns the Docker name of the stack's bridge network. */
export function networkName(stack: string): string {
  return `${PROJECT_NAME}-${stack}`;
}
