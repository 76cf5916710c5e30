import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { LevelNumber } from "../levels/model";
import { LABEL_KEYS, physicalName } from "./naming";

/** Identity of a level-owned volume. */
export interface LevelVolumeArgs {
  readonly stack: string;
  readonly level: LevelNumber;
  /** Service that mounts the volume. */
  readonly service: string;
  /** Content of the volume, for example `data`; also the last part of its name. */
  readonly purpose: string;
}

/**
 * Declares a named volume owned by a level, for example `clinical-mlops-dev-kafka-data`.
 * It carries the level's labels, so `stopped` keeps it and `absent` or `--stop-level-full`
 * find and remove it.
 */
export function levelVolume(
  name: string,
  args: LevelVolumeArgs,
  opts: pulumi.CustomResourceOptions,
): docker.Volume {
  return new docker.Volume(
    name,
    {
      name: physicalName(args.stack, `${args.service}-${args.purpose}`),
      labels: [
        { label: LABEL_KEYS.stack, value: args.stack },
        { label: LABEL_KEYS.level, value: String(args.level) },
        { label: LABEL_KEYS.service, value: args.service },
      ],
    },
    opts,
  );
}
