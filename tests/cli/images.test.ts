import * as assert from "node:assert/strict";

import { LABEL_KEYS } from "../../components/naming";
import { ExitCode } from "../../cli/errors";
import { imageScopeFor, type ImageScope } from "../../cli/stack-images";
import type { TransitionCommand } from "../../cli/transitions";
import type { FakeImage } from "./helpers/fake-images";
import { createWorld, type World } from "./helpers/world";

const LEVELS_KEY = "clinical-mlops:levels";

/** Returns an image as the program builds it: tagged by source hash and labelled. */
function builtImage(app: string, hash: string, stack = "dev"): FakeImage {
  return {
    Id: `sha256:${stack}-${app}-${hash}`,
    RepoTags: [`clinical-mlops-${stack}/${app}:src-${hash}`],
    Labels: { [LABEL_KEYS.stack]: stack, [LABEL_KEYS.service]: app },
  };
}

describe("imageScopeFor", () => {
  const cases: [TransitionCommand, ImageScope][] = [
    [{ kind: "clean-all" }, { kind: "stack" }],
    [
      { kind: "stop-level-full", level: 1 },
      {
        kind: "level",
        level: 1,
        services: [
          "clinical-mq",
          "data-gateway",
          "lab-results-processor",
          "kafka-producer",
          "kafka-consumer",
          "kafka-topics",
        ],
      },
    ],
    [
      { kind: "stop-level-full", level: 3 },
      { kind: "level", level: 3, services: ["feature-engineering"] },
    ],
    [{ kind: "stop-level", level: 1 }, { kind: "none" }],
    [{ kind: "stop-full" }, { kind: "none" }],
    [{ kind: "start-level", level: 1 }, { kind: "none" }],
    [{ kind: "start-full" }, { kind: "none" }],
  ];
  for (const [command, expected] of cases) {
    it(`${command.kind} ${"level" in command ? command.level : ""}`, () => {
      assert.deepEqual(imageScopeFor(command), expected);
    });
  }
});

describe("built image removal", () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld();
  });

  afterEach(async () => {
    await world.cleanup();
  });

  function givenLevels(levels: Record<string, string>): void {
    world.pulumi.setStacks({ dev: { config: { [LEVELS_KEY]: levels }, outputs: {} } });
  }

  function imageDeletes(): { path: string; force: string | null }[] {
    return world.docker.requests
      .filter((request) => request.method === "DELETE" && request.path.startsWith("/images/"))
      .map((request) => ({ path: request.path, force: request.query.get("force") }));
  }

  it("--clean-all removes every built image of the stack", async () => {
    givenLevels({ infrastructure: "running", "data-ingestion": "running" });
    world.docker.images.add(builtImage("data-gateway", "aaaa"));
    world.docker.images.add(builtImage("data-gateway", "bbbb"));
    world.docker.images.add(builtImage("kafka-producer", "cccc"));
    world.docker.images.add(builtImage("data-gateway", "aaaa", "prod"));
    world.docker.images.add({ Id: "sha256:postgres", RepoTags: ["postgres:16.4"], Labels: {} });
    const run = world.context();

    const code = await run.run(["--clean-all", "--yes"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(world.docker.images.tags(), [
      "clinical-mlops-prod/data-gateway:src-aaaa",
      "postgres:16.4",
    ]);
    assert.match(
      run.stderr.text,
      /Removing image clinical-mlops-dev\/data-gateway:src-aaaa\.\nRemoving image clinical-mlops-dev\/data-gateway:src-bbbb\.\nRemoving image clinical-mlops-dev\/kafka-producer:src-cccc\.\n/,
    );
    assert.deepEqual(imageDeletes(), [
      { path: "/images/clinical-mlops-dev/data-gateway:src-aaaa", force: "false" },
      { path: "/images/clinical-mlops-dev/data-gateway:src-bbbb", force: "false" },
      { path: "/images/clinical-mlops-dev/kafka-producer:src-cccc", force: "false" },
    ]);
    const list = world.docker.requests.find((request) => request.path === "/images/json");
    assert.deepEqual(JSON.parse(list?.query.get("filters") ?? "{}"), {
      label: ["clinical-mlops.stack=dev"],
    });
  });

  it("--clean-all removes every tag and an untagged image by ID", async () => {
    givenLevels({ infrastructure: "running" });
    const twoTags = builtImage("data-gateway", "aaaa");
    twoTags.RepoTags.push("clinical-mlops-dev/data-gateway:src-dddd");
    world.docker.images.add(twoTags);
    world.docker.images.add({ ...builtImage("clinical-mq", "eeee"), RepoTags: ["<none>:<none>"] });
    const run = world.context();

    const code = await run.run(["--clean-all", "--yes"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(world.docker.images.list, []);
    assert.deepEqual(
      imageDeletes().map((request) => request.path),
      [
        "/images/clinical-mlops-dev/data-gateway:src-aaaa",
        "/images/clinical-mlops-dev/data-gateway:src-dddd",
        "/images/sha256:dev-clinical-mq-eeee",
      ],
    );
  });

  it("--stop-level-full 1 removes only that level's images", async () => {
    givenLevels({ infrastructure: "running", "data-ingestion": "running" });
    world.docker.images.add(builtImage("data-gateway", "aaaa"));
    world.docker.images.add(builtImage("lab-results-processor", "bbbb"));
    world.docker.images.add(builtImage("feature-engineering", "cccc"));
    world.docker.images.add(builtImage("data-gateway", "aaaa", "prod"));
    const run = world.context();

    const code = await run.run(["--stop-level-full", "1", "--yes"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.deepEqual(world.pulumi.stacks().dev.config[LEVELS_KEY], {
      infrastructure: "running",
      "data-ingestion": "absent",
    });
    assert.deepEqual(world.docker.images.tags(), [
      "clinical-mlops-dev/feature-engineering:src-cccc",
      "clinical-mlops-prod/data-gateway:src-aaaa",
    ]);
    assert.deepEqual(
      imageDeletes().map((request) => request.path),
      [
        "/images/clinical-mlops-dev/data-gateway:src-aaaa",
        "/images/clinical-mlops-dev/lab-results-processor:src-bbbb",
      ],
    );
  });

  it("an image in use becomes a warning, not a failure", async () => {
    givenLevels({ "data-ingestion": "running" });
    const busy = world.docker.images.add(builtImage("data-gateway", "aaaa"));
    world.docker.images.inUse.add(busy.Id);
    world.docker.images.add(builtImage("kafka-consumer", "bbbb"));
    const run = world.context();

    const code = await run.run(["--stop-level-full", "1", "--yes"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.match(
      run.stderr.text,
      /Warning: Docker kept image clinical-mlops-dev\/data-gateway:src-aaaa: \(HTTP code 409\) .*container 0123456789ab is using its referenced image.*\. Remove it with `docker rmi clinical-mlops-dev\/data-gateway:src-aaaa` once no container uses it\.\n/,
    );
    assert.doesNotMatch(run.stderr.text, /Error:/);
    assert.deepEqual(world.docker.images.tags(), ["clinical-mlops-dev/data-gateway:src-aaaa"]);
  });

  it("a failed image removal other than 409 fails the command", async () => {
    givenLevels({ infrastructure: "running" });
    world.docker.images.add(builtImage("data-gateway", "aaaa"));
    world.docker.failures.set("/images/clinical-mlops-dev/data-gateway:src-aaaa", {
      status: 500,
      message: "image store is read-only",
    });
    const run = world.context();

    const code = await run.run(["--clean-all", "--yes"]);

    assert.equal(code, ExitCode.failed);
    assert.match(
      run.stderr.text,
      /Error: The update succeeded, but Docker did not delete these leftovers:\nclinical-mlops-dev\/data-gateway:src-aaaa: \(HTTP code 500\) .*image store is read-only\n/,
    );
  });

  for (const [argv, heading] of [
    [["--clean-all", "--preview"], "These built images of stack dev would be removed:"],
    [
      ["--stop-level-full", "1", "--preview"],
      "These built images of level 1 (Data Ingestion) would be removed:",
    ],
  ] as const) {
    it(`${argv.join(" ")} lists images and removes none`, async () => {
      givenLevels({ infrastructure: "running", "data-ingestion": "running" });
      world.docker.images.add(builtImage("data-gateway", "aaaa"));
      world.docker.images.add(builtImage("data-gateway", "aaaa", "prod"));
      const run = world.context();

      const code = await run.run([...argv]);

      assert.equal(code, ExitCode.ok, run.stderr.text);
      assert.match(
        run.stdout.text,
        new RegExp(
          `${heading.replace(/[()]/g, "\\$&")}\n  - clinical-mlops-dev/data-gateway:src-aaaa\n$`,
        ),
      );
      assert.deepEqual(imageDeletes(), []);
      assert.equal(world.docker.images.list.length, 2);
    });
  }

  it("--stop-level-full --preview says when no built image exists", async () => {
    givenLevels({ infrastructure: "running" });
    world.docker.images.add(builtImage("data-gateway", "aaaa"));
    const run = world.context();

    const code = await run.run(["--stop-level-full", "0", "--preview"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.match(
      run.stdout.text,
      /No built images of level 0 \(Infrastructure\) were found on the Docker daemon\.\n$/,
    );
  });

  it("--stop-level keeps built images and does not list them", async () => {
    givenLevels({ infrastructure: "running", "data-ingestion": "running" });
    world.docker.images.add(builtImage("data-gateway", "aaaa"));
    const run = world.context();

    const code = await run.run(["--stop-level", "1"]);

    assert.equal(code, ExitCode.ok, run.stderr.text);
    assert.equal(world.docker.images.list.length, 1);
    assert.equal(
      world.docker.requests.filter((request) => request.path.startsWith("/images")).length,
      0,
    );
  });
});
