import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

import { ImageRegistry } from "./images";
import { PROJECT_NAME } from "./naming";

/** Repository root: the build context of every workload image. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Files outside `apps/<app>/` that every workload image is built from. */
const SHARED_INPUTS = ["package.json", "package-lock.json", "apps/package.json", "apps/tsconfig.json", "apps/tsconfig.build.json", "apps/shared", ".dockerignore"];

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
 * Returns a short hash of everything an app's image is built from: its folder, the shared code
 * and the lock files. It names the image tag, so a source change gives a new tag, a rebuild and
 * a replaced container, while an unchanged tree leaves both alone.
 */
export function appSourceHash(app: string, root = REPO_ROOT): string {
  const files: string[] = [];
  for (const input of [...SHARED_INPUTS, `apps/${app}`]) {
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
      // Loaded into the local daemon and never pushed; deleting the resource removes the tag.
      load: true,
      push: false,
      buildOnPreview: false,
    },
    { parent: args.parent, provider: args.buildProvider },
  );
  return pulumi.all([image.digest, tag]).apply(([, reference]) => reference);
}
