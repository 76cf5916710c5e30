import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

import { ImageRegistry } from "./images";
import { LABEL_KEYS, PROJECT_NAME } from "./naming";

/** Repository root: the build context of every workload image. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Files outside `apps/<app>/` that every workload image is built from, as .dockerignore admits them. */
const SHARED_INPUTS = [
  "package.json",
  "package-lock.json",
  "apps/package.json",
  "apps/tsconfig.json",
  "apps/tsconfig.build.json",
  "apps/shared/src",
  ".dockerignore",
];

function collectFiles(absolutePath: string, files: string[]): void {
  if (!fs.existsSync(absolutePath)) {
    return;
  }
  const stat = fs.statSync(absolutePath);
  if (stat.isFile()) {
    files.push(absolutePath);
    return;
  }
  for (const entry of fs.readdirSync(absolutePath).sort()) {
    if (entry !== "node_modules" && entry !== "dist") {
      collectFiles(path.join(absolutePath, entry), files);
    }
  }
}

/**
 * Returns a short hash of everything an app's image is built from: its sources and Dockerfile,
 * the shared code and the lock files. It names the image tag, so a source change gives a new tag and a replaced
 * container. The build context is limited by .dockerignore to the same files, so changes
 * elsewhere in the repository rebuild nothing.
 */
export function appSourceHash(app: string, root = REPO_ROOT): string {
  const files: string[] = [];
  for (const input of [...SHARED_INPUTS, `apps/${app}/src`, `apps/${app}/Dockerfile`]) {
    collectFiles(path.join(root, input), files);
  }
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(root, file));
    hash.update("\0");
    hash.update(fs.readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Arguments of a workload image. */
export interface AppImageArgs {
  /** Stack name; part of the local image name. */
  readonly stack: string;
  /** App folder under `apps/`, also the service name. */
  readonly app: string;
  /** Prebuilt image from `images.<app>` in stack config; the app is built when unset. */
  readonly override?: string;
  /** Registry for pulled images, used when `override` is set. */
  readonly registry: ImageRegistry;
  /** Provider for docker-build, so a `dockerHost` applies to builds too. */
  readonly buildProvider: dockerBuild.Provider;
  readonly parent: pulumi.Resource;
}

/**
 * Returns the image reference for a workload's container: the pulled override, or an image
 * built from `apps/<app>/Dockerfile` with the repository root as context and loaded into the
 * daemon. The reference resolves only once the image exists.
 */
export function appImage(name: string, args: AppImageArgs): pulumi.Output<string> {
  if (args.override !== undefined) {
    return args.registry.pull(args.override).imageId;
  }

  const tag = `${PROJECT_NAME}-${args.stack}/${args.app}:src-${appSourceHash(args.app)}`;
  const image = new dockerBuild.Image(
    name,
    {
      // Relative to the project folder, where Pulumi runs the program, so that state does not
      // record one machine's checkout path and rebuild on every other machine.
      context: { location: "." },
      dockerfile: { location: `apps/${args.app}/Dockerfile` },
      tags: [tag],
      // The pipeline command finds and removes built images by these labels.
      labels: { [LABEL_KEYS.stack]: args.stack, [LABEL_KEYS.service]: args.app },
      // NOTE: loaded into the local daemon and never pushed. It is not confirmed that the
      // provider's delete removes such a local tag, and tags of earlier source hashes stay behind
      // after a rebuild. `pipeline --clean-all` and `--stop-level-full 1` remove them by label.
      load: true,
      push: false,
      buildOnPreview: false,
    },
    { parent: args.parent, provider: args.buildProvider },
  );
  return pulumi.all([image.digest, tag]).apply(([, reference]) => reference);
}
