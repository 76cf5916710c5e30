import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { baseContainerArgs, ContainerBaseArgs } from "./service";
import { TYPE_TOKENS } from "./tokens";

/** Arguments of a one-shot job. */
export type JobArgs = ContainerBaseArgs;

/** Number of log lines quoted in the error of a failed job. */
export const FAILED_JOB_LOG_LINES = 20;

/** Builds the error message of a job that exited with a non-zero code. */
export function jobFailureMessage(
  service: string,
  exitCode: number,
  logs: string | undefined,
  containerUrn: string,
): string {
  const lines = (logs ?? "").split("\n").filter((line) => line.trim() !== "");
  const tail = lines.slice(-FAILED_JOB_LOG_LINES);
  const quoted = tail.length > 0 ? tail.map((line) => `    ${line}`).join("\n") : "    (no output)";
  return (
    `Job ${service} failed with exit code ${exitCode}. Last ${tail.length} log lines:\n${quoted}\n` +
    `Fix the cause, then run the job again with \`pulumi up --replace '${containerUrn}'\`.`
  );
}

/**
 * A container that runs to completion once, such as bucket or database setup.
 *
 * The Docker provider only records a job's exit code, so `completed` throws on a non-zero code.
 * Any consumer of it, a dependent's input or a stack output, then fails the deployment with the
 * job's last log lines.
 */
export class Job extends pulumi.ComponentResource {
  /** The Docker container, kept after it exits so its logs stay readable. */
  public readonly container: docker.Container;
  /** Resolves to the job name after a zero exit code; rejects after any other. */
  public readonly completed: pulumi.Output<string>;

  constructor(name: string, args: JobArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE_TOKENS.job, name, {}, opts);

    this.container = new docker.Container(
      `${name}-container`,
      {
        ...baseContainerArgs(args, "job"),
        // attach waits for the exit; logs keeps the output in `containerLogs`.
        attach: true,
        logs: true,
        // With the default mustRun=true, a later refresh or update would start the job again.
        mustRun: false,
        restart: "no",
      },
      { parent: this, deleteBeforeReplace: true },
    );

    this.completed = pulumi
      .all([this.container.exitCode, this.container.containerLogs, this.container.urn])
      .apply(([exitCode, logs, urn]) => {
        if (exitCode !== 0) {
          const message = jobFailureMessage(args.service, exitCode, logs, urn);
          throw new pulumi.ResourceError(message, this);
        }
        return args.service;
      });

    this.registerOutputs({ completed: this.completed });
  }
}
