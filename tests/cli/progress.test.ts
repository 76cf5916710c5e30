import * as assert from "node:assert/strict";

import { containerOfStep, PlanCollector } from "../../cli/events";
import { UpdateProgress } from "../../cli/progress";
import {
  containerFailed,
  containerStep,
  containerUrn,
  errorDiagnostic,
  resourceStep,
} from "./helpers/events";

describe("containerOfStep", () => {
  it("maps a container by its physical name", () => {
    const metadata = containerStep("pre", "create", "kafka").resourcePreEvent!.metadata;
    const container = containerOfStep(metadata, "dev");
    assert.equal(container?.service, "kafka");
    assert.equal(container?.level.number, 0);
  });

  it("maps a container by its service label", () => {
    const metadata = {
      ...containerStep("pre", "create", "kafka").resourcePreEvent!.metadata,
      new: {
        type: "docker:index/container:Container",
        urn: containerUrn("x"),
        id: "",
        parent: "",
        provider: "",
        outputs: {},
        inputs: {
          name: "other-name",
          labels: [{ label: "clinical-mlops.service", value: "data-gateway" }],
        },
      },
    };
    assert.equal(containerOfStep(metadata, "dev")?.level.number, 1);
  });

  it("ignores another stack's container name", () => {
    const metadata = containerStep("pre", "create", "kafka", "prod").resourcePreEvent!.metadata;
    assert.equal(containerOfStep(metadata, "dev"), undefined);
  });

  it("ignores other resource types", () => {
    const metadata = resourceStep("pre", "create", "docker:index/volume:Volume", "kafka-data")
      .resourcePreEvent!.metadata;
    assert.equal(containerOfStep(metadata, "dev"), undefined);
  });
});

describe("UpdateProgress", () => {
  function track(levels: (0 | 1 | 2 | 3 | 4 | 5)[]) {
    const lines: string[] = [];
    const progress = new UpdateProgress("dev", levels, (line) => lines.push(line));
    return { progress, lines };
  }

  it("counts ready services and names the one it waits for", () => {
    const { progress, lines } = track([0]);
    progress.handle(containerStep("pre", "refresh", "minio"));
    progress.handle(containerStep("pre", "same", "minio"));
    progress.handle(containerStep("pre", "create", "kafka"));
    progress.handle(containerStep("pre", "create", "zookeeper"));
    progress.handle(containerStep("outputs", "create", "zookeeper"));
    progress.handle(containerStep("outputs", "create", "kafka"));

    assert.deepEqual(lines, [
      "Level 0 Infrastructure: 1/9 ready",
      "Level 0 Infrastructure: 1/9 ready, waiting for kafka",
      "Level 0 Infrastructure: 1/9 ready, waiting for zookeeper, kafka",
      "Level 0 Infrastructure: 2/9 ready, waiting for kafka",
      "Level 0 Infrastructure: 3/9 ready",
    ]);
  });

  it("reports removals of a stopping level", () => {
    const { progress, lines } = track([]);
    progress.handle(containerStep("pre", "delete", "spark-master"));
    progress.handle(containerStep("outputs", "delete", "spark-master"));

    assert.deepEqual(lines, [
      "Level 2 Data Processing: removing spark-master",
      "Level 2 Data Processing: removed 1 container",
    ]);
    assert.deepEqual(progress.summary(), ["Level 2 Data Processing: removed 1 container"]);
  });

  it("names a failed service with its error diagnostic", () => {
    const { progress } = track([0]);
    progress.handle(containerStep("pre", "create", "kafka"));
    progress.handle(errorDiagnostic(containerUrn("kafka"), "container did not become healthy\n"));
    progress.handle(containerFailed("kafka"));

    assert.deepEqual(progress.failures, [
      { service: "kafka", level: 0, messages: ["container did not become healthy"] },
    ]);
    assert.deepEqual(progress.otherErrors, []);
  });

  it("keeps errors of other resources apart", () => {
    const { progress } = track([0]);
    progress.handle(
      errorDiagnostic("urn:pulumi:dev::clinical-mlops::docker:index/network:Network::net", "boom"),
    );
    progress.handle(errorDiagnostic(undefined, "update failed"));

    assert.deepEqual(progress.failures, []);
    assert.deepEqual(progress.otherErrors, ["net: boom", "update failed"]);
  });
});

describe("PlanCollector", () => {
  it("keeps steps that change something and drops replacement halves", () => {
    const collector = new PlanCollector("dev");
    collector.handle(containerStep("pre", "same", "minio"));
    collector.handle(containerStep("pre", "refresh", "minio"));
    collector.handle(containerStep("pre", "create", "kafka"));
    collector.handle(containerStep("pre", "create-replacement", "redis"));
    collector.handle(containerStep("pre", "replace", "redis"));
    collector.handle(containerStep("pre", "delete-replaced", "redis"));
    collector.handle(resourceStep("pre", "delete", "docker:index/volume:Volume", "kafka-data"));

    assert.deepEqual(
      collector.steps.map((step) => [step.op, step.name, step.container?.service]),
      [
        ["create", "kafka", "kafka"],
        ["replace", "redis", "redis"],
        ["delete", "kafka-data", undefined],
      ],
    );
  });
});
