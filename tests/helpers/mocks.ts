/**
 * Pulumi mocks for the program's unit tests. Importing this module installs one recorder as
 * the process-wide mock monitor, for project `clinical-mlops` and stack `dev`.
 */
import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";

import * as assert from "node:assert/strict";

import { parseStackConfig, SecretKey, StackConfig } from "../../config";

/** One `newResource` call seen by the mock monitor. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs with Pulumi secrets unwrapped to their plain values. */
  readonly inputs: Record<string, any>;
  /** Top-level input keys whose value is, or contains, a Pulumi secret. */
  readonly secretKeys: ReadonlySet<string>;
  readonly custom: boolean;
}

// The marker key and value of a serialized Pulumi secret.
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Returns `value` with every serialized secret replaced by its plain value, and whether any was found. */
function unwrapSecrets(value: any): { plain: any; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(unwrapSecrets);
    return { plain: items.map((item) => item.plain), secret: items.some((item) => item.secret) };
  }
  if (value !== null && typeof value === "object") {
    if (value[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE_VALUE) {
      return { plain: unwrapSecrets(value.value).plain, secret: true };
    }
    let secret = false;
    const plain: Record<string, any> = {};
    for (const [key, item] of Object.entries(value)) {
      const unwrapped = unwrapSecrets(item);
      plain[key] = unwrapped.plain;
      secret ||= unwrapped.secret;
    }
    return { plain, secret };
  }
  return { plain: value, secret: false };
}

export const TYPES = {
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  network: "docker:index/network:Network",
  provider: "pulumi:providers:docker",
  randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

interface Deferred {
  promise: Promise<void>;
  release: () => void;
}

function deferred(): Deferred {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

/** Records every resource and fills in the computed outputs the program reads. */
export class ResourceRecorder implements pulumi.runtime.Mocks {
  resources: RecordedResource[] = [];
  /** Exit code and logs that a job container (by physical name) reports. */
  jobResults = new Map<string, { exitCode: number; logs: string }>();
  private creationGates = new Map<string, Deferred>();

  reset(): void {
    this.resources = [];
    this.jobResults.clear();
    for (const gate of this.creationGates.values()) {
      gate.release();
    }
    this.creationGates.clear();
  }

  /** Delays the creation of the resource with this logical name until `release` is called. */
  hold(name: string): () => void {
    const gate = deferred();
    this.creationGates.set(name, gate);
    return gate.release;
  }

  async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<pulumi.runtime.MockResourceResult> {
    const inputs: Record<string, any> = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(args.inputs ?? {})) {
      const unwrapped = unwrapSecrets(value);
      inputs[key] = unwrapped.plain;
      if (unwrapped.secret) {
        secretKeys.add(key);
      }
    }
    this.resources.push({
      type: args.type,
      name: args.name,
      inputs,
      secretKeys,
      custom: args.custom ?? false,
    });
    const gate = this.creationGates.get(args.name);
    if (gate) {
      await gate.promise;
    }
    return { id: `${args.name}-id`, state: this.computedState(args.type, args.name, inputs) };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    return args.inputs;
  }

  private computedState(
    type: string,
    name: string,
    inputs: Record<string, any>,
  ): Record<string, any> {
    switch (type) {
      case TYPES.remoteImage:
        return { ...inputs, imageId: `sha256:${sha256(inputs.name)}` };
      case TYPES.randomPassword:
        return { ...inputs, result: `generated-${name}` };
      case TYPES.container: {
        const job = this.jobResults.get(inputs.name) ?? { exitCode: 0, logs: "" };
        return { ...inputs, exitCode: job.exitCode, containerLogs: job.logs };
      }
      default:
        return inputs;
    }
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** Returns the one resource of this type and logical name, or throws listing the names seen. */
  get(type: string, name: string): RecordedResource {
    const matches = this.resources.filter(
      (resource) => resource.type === type && resource.name === name,
    );
    if (matches.length !== 1) {
      const seen = this.ofType(type).map((resource) => resource.name);
      throw new Error(
        `expected one ${type} named ${name}, found ${matches.length}; seen: ${seen.join(", ")}`,
      );
    }
    return matches[0];
  }

  /** Returns the recorded container with this physical name. */
  container(physicalName: string): RecordedResource {
    const matches = this.ofType(TYPES.container).filter(
      (resource) => resource.inputs.name === physicalName,
    );
    if (matches.length !== 1) {
      throw new Error(`expected one container named ${physicalName}, found ${matches.length}`);
    }
    return matches[0];
  }

  /** Physical names of the recorded resources of a type, sorted. */
  physicalNames(type: string): string[] {
    return this.ofType(type)
      .map((resource) => resource.inputs.name as string)
      .sort();
  }

  /** Logical names that were registered more than once for the same type. */
  duplicateNames(): string[] {
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const resource of this.resources) {
      const key = `${resource.type}::${resource.name}`;
      if (seen.has(key)) {
        duplicates.push(key);
      }
      seen.add(key);
    }
    return duplicates;
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export const recorder = new ResourceRecorder();
pulumi.runtime.setMocks(recorder, "clinical-mlops", "dev", false);

/** Waits until no new resource has been registered for a few event-loop turns. */
export async function settle(): Promise<void> {
  let count = -1;
  let stableTurns = 0;
  while (stableTurns < 20) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (recorder.resources.length === count) {
      stableTurns += 1;
    } else {
      count = recorder.resources.length;
      stableTurns = 0;
    }
  }
}

/** Resolves with the value of an output; rejects when the output's computation throws. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  // `promise()` is internal to Output but is the only way to observe a rejected apply.
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Builds a validated config from raw values, as `pulumi config` would store them. */
export function testConfig(
  raw: Record<string, string> = {},
  secrets: Partial<Record<SecretKey, string>> = {},
): StackConfig {
  const parsed = parseStackConfig("dev", raw);
  const secretOutputs: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const [key, value] of Object.entries(secrets)) {
    secretOutputs[key as SecretKey] = pulumi.secret(value);
  }
  return { ...parsed, secrets: secretOutputs };
}

/** Returns the `levels` config value that sets the given levels. */
export function levelsConfig(levels: Record<string, string>): Record<string, string> {
  return { levels: JSON.stringify(levels) };
}

/** Returns a container's env as a map. */
export function envMap(container: RecordedResource): Record<string, string> {
  const entries = (container.inputs.envs ?? []) as string[];
  return Object.fromEntries(
    entries.map((entry) => {
      const separator = entry.indexOf("=");
      return [entry.slice(0, separator), entry.slice(separator + 1)];
    }),
  );
}

/** Returns a container's labels as a map. */
export function labelMap(resource: RecordedResource): Record<string, string> {
  const labels = (resource.inputs.labels ?? []) as { label: string; value: string }[];
  return Object.fromEntries(labels.map((entry) => [entry.label, entry.value]));
}

/**
 * Declares the platform while the creation of `dependency` (a logical name) is held, and asserts
 * that the container `dependent` (a physical name) appears only after it is released.
 */
export async function assertCreatedAfter(
  declare: () => void,
  dependency: string,
  dependent: string,
): Promise<void> {
  recorder.reset();
  const release = recorder.hold(dependency);
  declare();
  await settle();
  assert.ok(
    recorder.resources.some((resource) => resource.name === dependency),
    `${dependency} was never registered`,
  );
  assert.ok(
    !recorder.physicalNames(TYPES.container).includes(dependent),
    `${dependent} was created early`,
  );

  release();
  await settle();
  assert.ok(
    recorder.physicalNames(TYPES.container).includes(dependent),
    `${dependent} was never created`,
  );
}
