import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { TYPE_TOKENS } from "./tokens";

/** Returns a logical-name fragment for an image reference, for example `postgres-15-19-bookworm`. */
export function imageSlug(reference: string): string {
  return reference
    .replace(/@sha256:([a-f0-9]{12})[a-f0-9]*$/, "-$1")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}

/**
 * Every pulled image of the stack, each declared once however many containers use it.
 *
 * The provider removes a RemoteImage by name on delete, so two resources for one reference would
 * remove each other's image. One resource per reference avoids that. Images are not kept
 * locally, so `pulumi destroy` and an `absent` level remove them.
 *
 * NOTE: two stacks on one Docker host each own their copy of a shared reference. Destroying one
 * stack while the other runs the same image fails with Docker's "image is in use" conflict.
 */
export class ImageRegistry extends pulumi.ComponentResource {
  private readonly images = new Map<string, docker.RemoteImage>();

  constructor(
    private readonly name: string,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(TYPE_TOKENS.images, name, {}, opts);
    this.registerOutputs({});
  }

  /** Returns the RemoteImage of `reference`, declaring it on first use. */
  pull(reference: string): docker.RemoteImage {
    let image = this.images.get(reference);
    if (!image) {
      const slug = imageSlug(reference);
      const clash = [...this.images.keys()].find((other) => imageSlug(other) === slug);
      if (clash) {
        throw new pulumi.ResourceError(
          `Image references "${clash}" and "${reference}" map to the same resource name ${this.name}-${slug}; change one of the images overrides.`,
          this,
        );
      }
      image = new docker.RemoteImage(
        `${this.name}-${slug}`,
        { name: reference, keepLocally: false },
        { parent: this },
      );
      this.images.set(reference, image);
    }
    return image;
  }

  /** References declared so far, sorted. */
  references(): string[] {
    return [...this.images.keys()].sort();
  }
}
