/**
 * Local images of the fake Docker Engine API: the list with label filters and removal by tag or
 * ID, with Docker's rules for `force=false`. Removing a tag untags the image, and removing its last
 * reference deletes it. Deleting fails with 409 while a container uses the image. Removing by ID
 * also fails with 409 while several tags refer to the image.
 */

export interface FakeImage {
  readonly Id: string;
  RepoTags: string[];
  readonly Labels: Record<string, string>;
}

/** Status and JSON body of a response. */
export interface FakeResponse {
  readonly status: number;
  readonly body: unknown;
}

export class FakeImages {
  readonly list: FakeImage[] = [];
  /** IDs of images that a container uses, so deleting their last reference fails with 409. */
  readonly inUse = new Set<string>();

  add(image: FakeImage): FakeImage {
    this.list.push(image);
    return image;
  }

  /** Returns the tags of every image, sorted, for assertions. */
  tags(): string[] {
    return this.list.flatMap((image) => image.RepoTags).sort();
  }

  /** GET /images/json, filtered by `matches` (the label filters of the request). */
  listImages(matches: (labels: Record<string, string>) => boolean): FakeResponse {
    const body = this.list
      .filter((image) => matches(image.Labels))
      .map((image) => ({
        Id: image.Id,
        ParentId: "",
        RepoTags: image.RepoTags,
        RepoDigests: [],
        Created: 1767225600,
        Size: 1000,
        Labels: image.Labels,
        Containers: -1,
      }));
    return { status: 200, body };
  }

  /** DELETE /images/{name} for a tag or an image ID. */
  remove(name: string, force: boolean): FakeResponse {
    const byId = this.list.find((image) => image.Id === name);
    const image = byId ?? this.list.find((candidate) => candidate.RepoTags.includes(name));
    if (!image) {
      return { status: 404, body: { message: `No such image: ${name}` } };
    }
    if (byId && image.RepoTags.length > 1 && !force) {
      return {
        status: 409,
        body: {
          message: `conflict: unable to delete ${name} (must be forced) - image is referenced in multiple repositories`,
        },
      };
    }
    const lastReference = byId !== undefined || image.RepoTags.length === 1;
    if (lastReference && this.inUse.has(image.Id) && !force) {
      return {
        status: 409,
        body: {
          message: `conflict: unable to remove repository reference "${name}" (must force) - container 0123456789ab is using its referenced image ${image.Id}`,
        },
      };
    }
    if (!lastReference) {
      image.RepoTags = image.RepoTags.filter((tag) => tag !== name);
      return { status: 200, body: [{ Untagged: name }] };
    }
    this.list.splice(this.list.indexOf(image), 1);
    const untagged = image.RepoTags.map((tag) => ({ Untagged: tag }));
    return { status: 200, body: [...untagged, { Deleted: image.Id }] };
  }
}
