/**
 * Workload images that the program builds and loads into the local daemon. They carry the labels
 * `clinical-mlops.stack` and `clinical-mlops.service`, so `--clean-all` and `--stop-level-full`
 * find them by label and remove them, including tags of earlier source hashes.
 */
import type Dockerode from "dockerode";

import { LABEL_KEYS } from "../components/naming";
import { levelByNumber, type LevelNumber } from "../levels/model";
import { labelFilters } from "./docker";
import { errorMessage } from "./errors";
import type { Printer } from "./output";
import { levelLabel, type TransitionCommand } from "./transitions";

/** Images a command removes: all of the stack, the services and jobs of one level, or none. */
export type ImageScope =
  | { readonly kind: "stack" }
  | { readonly kind: "level"; readonly level: LevelNumber; readonly services: readonly string[] }
  | { readonly kind: "none" };

export interface StackImage {
  readonly id: string;
  /** Value of the `clinical-mlops.service` label, if any. */
  readonly service: string | undefined;
  /**
   * Names to remove the image by: its tags, or its ID when it has none. Removing every tag of an
   * image deletes it, whereas removing by ID with `force: false` fails while several tags refer
   * to it.
   */
  readonly references: readonly string[];
}

/** Result of removing images: 409 conflicts become warnings, anything else a failure. */
export interface ImageRemoval {
  readonly removed: readonly string[];
  readonly warnings: readonly string[];
  readonly failures: readonly string[];
}

/** Returns which images `command` removes after it succeeds. */
export function imageScopeFor(command: TransitionCommand): ImageScope {
  if (command.kind === "clean-all") {
    return { kind: "stack" };
  }
  if (command.kind === "stop-level-full") {
    const level = levelByNumber(command.level);
    return { kind: "level", level: level.number, services: [...level.services, ...level.jobs] };
  }
  return { kind: "none" };
}

/** Returns the words for the images in `scope`, such as "of level 1 (Data Ingestion)". */
export function describeImageScope(scope: ImageScope, stack: string): string {
  return scope.kind === "level" ? `of ${levelLabel(scope.level)}` : `of stack ${stack}`;
}

function referencesOf(info: Dockerode.ImageInfo): string[] {
  // Docker before API 1.44 reports an untagged image as "<none>:<none>" instead of no tags.
  const tags = (info.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>");
  return tags.length > 0 ? [...tags].sort() : [info.Id];
}

/** Lists the stack's local images in `scope` by label, sorted by their first reference. */
export async function listStackImages(
  docker: Dockerode,
  stack: string,
  scope: ImageScope,
): Promise<StackImage[]> {
  if (scope.kind === "none") {
    return [];
  }
  const infos = await docker.listImages({ filters: { label: labelFilters(stack) } });
  const images = infos.map((info) => ({
    id: info.Id,
    service: info.Labels?.[LABEL_KEYS.service],
    references: referencesOf(info),
  }));
  const inScope = images.filter(
    (image) =>
      scope.kind === "stack" ||
      (image.service !== undefined && scope.services.includes(image.service)),
  );
  return inScope.sort((a, b) => a.references[0].localeCompare(b.references[0]));
}

function statusOf(error: unknown): unknown {
  return (error as { statusCode?: unknown }).statusCode;
}

/**
 * Removes every reference of `images` without force, so Docker keeps an image that a container
 * still uses. A 409 conflict (in use, or referenced elsewhere) becomes a warning and a 404 (removed
 * meanwhile) is skipped. Other errors are returned as failures.
 */
export async function removeStackImages(
  docker: Dockerode,
  printer: Printer,
  images: readonly StackImage[],
): Promise<ImageRemoval> {
  const removed: string[] = [];
  const warnings: string[] = [];
  const failures: string[] = [];
  for (const reference of images.flatMap((image) => image.references)) {
    printer.note(`Removing image ${reference}.`);
    try {
      await docker.getImage(reference).remove({ force: false });
      removed.push(reference);
    } catch (error) {
      const message = errorMessage(error).trim().replace(/\.$/, "");
      if (statusOf(error) === 409) {
        warnings.push(
          `Docker kept image ${reference}: ${message}. Remove it with \`docker rmi ${reference}\` once no container uses it.`,
        );
      } else if (statusOf(error) !== 404) {
        failures.push(`${reference}: ${message}`);
      }
    }
  }
  return { removed, warnings, failures };
}

/** Prints the images a preview would remove, or that none exist. */
export function printImagesToRemove(
  printer: Printer,
  images: readonly StackImage[],
  scope: ImageScope,
  stack: string,
): void {
  const where = describeImageScope(scope, stack);
  if (images.length === 0) {
    printer.line(`No built images ${where} were found on the Docker daemon.`);
    return;
  }
  printer.line(`These built images ${where} would be removed:`);
  for (const reference of images.flatMap((image) => image.references)) {
    printer.line(`  - ${reference}`);
  }
}
