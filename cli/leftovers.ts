/**
 * Cleanup after a successful update or destroy: the containers and confirmed volumes that Pulumi
 * left behind, and the built workload images of the removed stack or level.
 */
import type Dockerode from "dockerode";

import { dockerRequest, listStackContainers, listStackVolumes } from "./docker";
import { CliError, ExitCode, errorMessage } from "./errors";
import type { Session } from "./session";
import {
  imageScopeFor,
  listStackImages,
  printImagesToRemove,
  removeStackImages,
} from "./stack-images";
import type { TransitionPlan } from "./transitions";

async function removeQuietly(name: string, remove: () => Promise<unknown>, failures: string[]) {
  try {
    await remove();
  } catch (error) {
    failures.push(`${name}: ${errorMessage(error)}`);
  }
}

async function removeLeftoverContainers(
  docker: Dockerode,
  session: Session,
  failures: string[],
): Promise<void> {
  const containers = await dockerRequest(session.dockerTarget, "list leftover containers", () =>
    listStackContainers(docker, session.stackName),
  );
  for (const container of containers) {
    session.printer.note(`Removing leftover container ${container.name}.`);
    await removeQuietly(
      container.name,
      () => docker.getContainer(container.id).remove({ force: true }),
      failures,
    );
  }
}

async function removeConfirmedVolumes(
  docker: Dockerode,
  session: Session,
  plan: TransitionPlan,
  confirmedVolumes: readonly Dockerode.VolumeInspectInfo[],
  failures: string[],
): Promise<void> {
  const level = plan.command.kind === "stop-level-full" ? plan.command.level : undefined;
  const confirmedNames = new Set(confirmedVolumes.map((volume) => volume.Name));
  const volumes = await dockerRequest(session.dockerTarget, "list leftover volumes", () =>
    listStackVolumes(docker, session.stackName, level),
  );
  for (const volume of volumes) {
    if (confirmedNames.has(volume.Name)) {
      session.printer.note(`Removing leftover volume ${volume.Name}.`);
      await removeQuietly(volume.Name, () => docker.getVolume(volume.Name).remove(), failures);
    }
  }
}

/**
 * Removes the built images that `--clean-all` or `--stop-level-full` leaves behind: the provider
 * may keep a local, never-pushed tag, and tags of earlier source hashes stay after rebuilds.
 * Images that a container still uses are kept with a warning.
 */
async function removeBuiltImages(
  docker: Dockerode,
  session: Session,
  plan: TransitionPlan,
  failures: string[],
): Promise<void> {
  const scope = imageScopeFor(plan.command);
  const images = await dockerRequest(session.dockerTarget, "list the stack's built images", () =>
    listStackImages(docker, session.stackName, scope),
  );
  const removal = await removeStackImages(docker, session.printer, images);
  removal.warnings.forEach((warning) => session.printer.warn(warning));
  failures.push(...removal.failures);
}

/**
 * Deletes what the update left behind. For `--clean-all` that is every container of the stack.
 * Confirmed volumes that still exist are deleted too, for example volumes the Pulumi state did not
 * know, but no other volume. Built images go for `--clean-all` and `--stop-level-full`. Throws a
 * `CliError` listing what Docker kept.
 */
export async function removeLeftovers(
  docker: Dockerode,
  session: Session,
  plan: TransitionPlan,
  confirmedVolumes: readonly Dockerode.VolumeInspectInfo[],
): Promise<void> {
  const failures: string[] = [];
  if (plan.command.kind === "clean-all") {
    await removeLeftoverContainers(docker, session, failures);
  }
  await removeConfirmedVolumes(docker, session, plan, confirmedVolumes, failures);
  await removeBuiltImages(docker, session, plan, failures);
  if (failures.length > 0) {
    throw new CliError(
      "The update succeeded, but Docker did not delete these leftovers:",
      ExitCode.failed,
      [
        ...failures,
        "Remove them with `docker rm -f`, `docker volume rm` or `docker rmi` once nothing uses them.",
      ],
    );
  }
}

/** Prints the built images that a previewed `plan` would remove, if its command removes any. */
export async function previewImageRemoval(
  docker: Dockerode,
  session: Session,
  plan: TransitionPlan,
): Promise<void> {
  const scope = imageScopeFor(plan.command);
  if (scope.kind === "none") {
    return;
  }
  const images = await dockerRequest(session.dockerTarget, "list the stack's built images", () =>
    listStackImages(docker, session.stackName, scope),
  );
  printImagesToRemove(session.printer, images, scope, session.stackName);
}
