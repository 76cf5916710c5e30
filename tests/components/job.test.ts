import * as assert from "node:assert/strict";

import { FAILED_JOB_LOG_LINES, jobFailureMessage } from "../../components/job";

describe("jobFailureMessage", () => {
  const urn = "urn:pulumi:dev::clinical-mlops::x$docker:index/container:Container::setup";

  it("quotes the last log lines and the replace command", () => {
    const logs = Array.from({ length: 25 }, (_, index) => `step ${index + 1}`).join("\n");
    const message = jobFailureMessage("minio-setup", 2, logs, urn);
    const lines = message.split("\n");
    assert.equal(
      lines[0],
      `Job minio-setup failed with exit code 2. Last ${FAILED_JOB_LOG_LINES} log lines:`,
    );
    assert.equal(lines[1], "    step 6");
    assert.equal(lines[FAILED_JOB_LOG_LINES], "    step 25");
    assert.equal(
      lines[FAILED_JOB_LOG_LINES + 1],
      `Fix the cause, then run the job again with \`pulumi up --replace '${urn}'\`.`,
    );
  });

  it("says when the job printed nothing", () => {
    const message = jobFailureMessage("kafka-topics", 1, "\n\n", urn);
    assert.ok(
      message.startsWith(
        "Job kafka-topics failed with exit code 1. Last 0 log lines:\n    (no output)\n",
      ),
    );
  });
});
