import * as assert from "node:assert/strict";
import * as fs from "node:fs";

import type { PulumiCommand } from "@pulumi/pulumi/automation";

import { CliError, ExitCode } from "../../cli/errors";
import { locatePulumi } from "../../cli/pulumi-cli";
import {
  levelConfigEdits,
  openStack,
  parseLevelConfig,
  readAccessPoints,
  readStackSettings,
  writeLevelConfig,
} from "../../cli/stack";
import { makeProjectRoot, makeTempDir } from "./helpers/context";
import { FakePulumi } from "./helpers/fake-pulumi";

const ENV_VARS = { PULUMI_BACKEND_URL: "file:///tmp/fake-state", PULUMI_CONFIG_PASSPHRASE: "test" };

describe("Automation API layer with a fake pulumi CLI", () => {
  let dir: string;
  let root: string;
  let fake: FakePulumi;
  let pulumi: PulumiCommand;

  beforeEach(async () => {
    dir = makeTempDir("stack");
    root = makeProjectRoot(dir);
    fake = new FakePulumi(dir);
    pulumi = await locatePulumi({ PATH: fake.binDir, HOME: dir }, () => {});
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function open(create: boolean) {
    return openStack({
      projectRoot: root,
      stackName: "dev",
      pulumiCommand: pulumi,
      envVars: ENV_VARS,
      create,
    });
  }

  it("creates a missing stack with the backend variables", async () => {
    const stack = await open(true);

    assert.equal(stack?.name, "dev");
    const [select, init] = [fake.callsOf("stack select")[0], fake.callsOf("stack init")[0]];
    assert.deepEqual(select.argv, ["stack", "select", "--stack", "dev", "--non-interactive"]);
    assert.deepEqual(init.argv, ["stack", "init", "dev", "--non-interactive"]);
    assert.equal(init.cwd, root);
    assert.deepEqual(init.env, { ...ENV_VARS, PULUMI_AUTOMATION_API: "true" });
    assert.deepEqual(Object.keys(fake.stacks()), ["dev"]);
  });

  it("returns undefined for a missing stack when it may not create one", async () => {
    assert.equal(await open(false), undefined);
    assert.equal(fake.callsOf("stack init").length, 0);
  });

  it("reads the levels map and dockerHost", async () => {
    fake.setStacks({
      dev: {
        config: {
          "clinical-mlops:levels": { infrastructure: "running", features: "stopped" },
          "clinical-mlops:dockerHost": "unix:///srv/docker.sock",
          "clinical-mlops:portOffset": "100",
        },
        outputs: {},
      },
    });
    const stack = await open(false);

    const settings = await readStackSettings(stack!);

    assert.deepEqual(settings, {
      levels: { infrastructure: "running", features: "stopped" },
      dockerHost: "unix:///srv/docker.sock",
    });
  });

  it("writes changed levels with path keys and removes dropped ones", async () => {
    fake.setStacks({
      dev: {
        config: {
          "clinical-mlops:levels": { infrastructure: "running", features: "stopped" },
          "clinical-mlops:portOffset": "7",
        },
        outputs: {},
      },
    });
    const stack = await open(false);

    await writeLevelConfig(
      stack!,
      { infrastructure: "running", features: "stopped" },
      { infrastructure: "running", "data-ingestion": "running" },
    );

    assert.deepEqual(fake.callsOf("config set-all")[0].argv, [
      "config",
      "set-all",
      "--stack",
      "dev",
      "--path",
      "--plaintext",
      'clinical-mlops:levels["data-ingestion"]=running',
      "--non-interactive",
    ]);
    assert.deepEqual(fake.callsOf("config rm-all")[0].argv, [
      "config",
      "rm-all",
      "--stack",
      "dev",
      "--path",
      'clinical-mlops:levels["features"]',
      "--non-interactive",
    ]);
    assert.deepEqual(fake.stacks().dev.config, {
      "clinical-mlops:levels": { infrastructure: "running", "data-ingestion": "running" },
      "clinical-mlops:portOffset": "7",
    });
  });

  it("skips the config commands when nothing changes", async () => {
    fake.setStacks({ dev: { config: {}, outputs: {} } });
    const stack = await open(false);

    await writeLevelConfig(stack!, { infrastructure: "running" }, { infrastructure: "running" });

    assert.equal(fake.callsOf("config set-all").length, 0);
    assert.equal(fake.callsOf("config rm-all").length, 0);
  });

  it("reads access points and hides secret outputs", async () => {
    fake.setStacks({
      dev: {
        config: {},
        outputs: { accessPoints: { value: { minio: "http://127.0.0.1:9001" }, secret: false } },
      },
    });
    const stack = await open(false);
    assert.deepEqual(await readAccessPoints(stack!), { minio: "http://127.0.0.1:9001" });

    fake.setStacks({
      dev: { config: {}, outputs: { accessPoints: { value: { minio: "x" }, secret: true } } },
    });
    assert.deepEqual(await readAccessPoints(stack!), {});
  });
});

describe("parseLevelConfig", () => {
  function usageMessage(raw: string): string {
    try {
      parseLevelConfig(raw, "dev");
    } catch (error) {
      assert.ok(error instanceof CliError);
      assert.equal(error.exitCode, ExitCode.usage);
      return error.message;
    }
    assert.fail("no error");
  }

  it("returns an empty map when the key is not set", () => {
    assert.deepEqual(parseLevelConfig(undefined, "dev"), {});
  });

  it("rejects an unknown state", () => {
    assert.equal(
      usageMessage('{"features":"paused"}'),
      'clinical-mlops:levels.features is "paused"; valid states are running, stopped, absent. Fix it in Pulumi.dev.yaml.',
    );
  });

  it("rejects an unknown level key", () => {
    assert.equal(
      usageMessage('{"feature":"running"}'),
      'clinical-mlops:levels has an unknown level "feature"; valid keys are infrastructure, data-ingestion, data-processing, features, ml-pipeline, observability. Fix it in Pulumi.dev.yaml.',
    );
  });

  it("rejects a value that is not a map", () => {
    assert.equal(
      usageMessage("running"),
      'clinical-mlops:levels must be a map from level key to state, not "running". Fix it in Pulumi.dev.yaml.',
    );
  });
});

describe("levelConfigEdits", () => {
  it("sets changed keys and removes missing ones", () => {
    assert.deepEqual(
      levelConfigEdits({ features: "running", "ml-pipeline": "stopped" }, { features: "stopped" }),
      {
        set: { 'clinical-mlops:levels["features"]': { value: "stopped", secret: false } },
        remove: ['clinical-mlops:levels["ml-pipeline"]'],
      },
    );
  });
});
