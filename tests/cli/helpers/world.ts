/**
 * A temporary world for command tests: a project root, the fake pulumi CLI on PATH and the fake
 * Docker Engine API as DOCKER_HOST. Nothing in it points at a real daemon or backend.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { LABEL_KEYS, physicalName, type ContainerRole } from "../../../components/naming";
import { levelOfService } from "../../../levels/model";
import {
  makeProjectRoot,
  makeTempDir,
  testContext,
  type TestContextOptions,
  type TestRun,
} from "./context";
import { FakeDocker, type FakeContainer } from "./fake-docker";
import { FakePulumi } from "./fake-pulumi";

export interface World {
  readonly dir: string;
  readonly root: string;
  readonly pulumi: FakePulumi;
  readonly docker: FakeDocker;
  readonly env: NodeJS.ProcessEnv;
  context(options?: Partial<TestContextOptions>): TestRun;
  /** Adds a container with the labels the program puts on `service`. */
  addService(service: string, fields?: Partial<FakeContainer>, stack?: string): FakeContainer;
  cleanup(): Promise<void>;
}

export function serviceLabels(service: string, stack = "dev"): Record<string, string> {
  const level = levelOfService(service);
  if (!level) {
    throw new Error(`unknown service ${service}`);
  }
  const role: ContainerRole = level.jobs.includes(service) ? "job" : "service";
  return {
    [LABEL_KEYS.stack]: stack,
    [LABEL_KEYS.level]: String(level.number),
    [LABEL_KEYS.service]: service,
    [LABEL_KEYS.role]: role,
  };
}

export function volumeLabels(level: number, stack = "dev"): Record<string, string> {
  return { [LABEL_KEYS.stack]: stack, [LABEL_KEYS.level]: String(level) };
}

export async function createWorld(): Promise<World> {
  const dir = makeTempDir("world");
  const root = makeProjectRoot(dir);
  // The default file backend's folder, as earlier runs leave it. Read-only commands skip Pulumi
  // when it is missing, which would hide the stacks the tests give the fake pulumi.
  fs.mkdirSync(path.join(root, ".pulumi-state"));
  const pulumi = new FakePulumi(dir);
  const docker = await FakeDocker.start(dir);
  const env: NodeJS.ProcessEnv = { PATH: pulumi.binDir, HOME: dir, DOCKER_HOST: docker.url };
  return {
    dir,
    root,
    pulumi,
    docker,
    env,
    context: (options = {}) => testContext({ projectRoot: root, env, ...options }),
    addService: (service, fields = {}, stack = "dev") => {
      // Jobs have exited with code 0 and have no health check; services are healthy.
      const isJob = levelOfService(service)?.jobs.includes(service) === true;
      return docker.addContainer({
        name: physicalName(stack, service),
        labels: serviceLabels(service, stack),
        ...(isJob ? { status: "exited", exitCode: 0 } : { health: "healthy" }),
        ...fields,
      });
    },
    cleanup: async () => {
      await docker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
