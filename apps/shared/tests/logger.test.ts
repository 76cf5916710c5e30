import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger, redactUrl } from "../src/logger";

describe("createLogger", () => {
  it("redacts secret-looking keys and names the service", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ service: "data-gateway", destination });

    logger.info(
      { password: "p1", config: { GATEWAY_TOKEN: "t1", AMQP_URL: "amqp://u:p2@h" }, host: "mq" },
      "connecting",
    );

    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(line.service, "data-gateway");
    assert.equal(line.password, "[redacted]");
    assert.deepEqual(line.config, { GATEWAY_TOKEN: "[redacted]", AMQP_URL: "[redacted]" });
    assert.equal(line.host, "mq");
    for (const secret of ["p1", "t1", "p2"]) {
      assert.ok(!lines[0].includes(secret), `the line contains ${secret}`);
    }
  });
});

describe("redactUrl", () => {
  const cases: [input: string, expected: string][] = [
    ["amqp://guest:secret@rabbitmq:5672/", "amqp://guest:***@rabbitmq:5672/"],
    ["amqp://rabbitmq:5672", "amqp://rabbitmq:5672"],
    ["not a url secret", "(invalid URL)"],
  ];
  for (const [input, expected] of cases) {
    it(`turns ${input} into ${expected}`, () => {
      assert.equal(redactUrl(input), expected);
    });
  }
});
