import assert from "node:assert/strict";
import { createLogger } from "../src/logger";
import { ShutdownCoordinator } from "../src/shutdown";

const logger = createLogger({ service: "test", level: "silent" });

describe("ShutdownCoordinator", () => {
  it("runs steps once, in registration order", async () => {
    const exits: number[] = [];
    const order: string[] = [];
    const shutdown = new ShutdownCoordinator({ logger, exit: (code) => exits.push(code) });
    shutdown.register("flush", async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push("flush");
    });
    shutdown.register("commit", () => {
      order.push("commit");
    });
    shutdown.register("close", () => {
      order.push("close");
    });

    await Promise.all([shutdown.shutdown("SIGTERM"), shutdown.shutdown("SIGINT")]);
    await shutdown.shutdown("again");

    assert.deepEqual(order, ["flush", "commit", "close"]);
    assert.deepEqual(exits, [0]);
  });

  it("aborts its signal when shutdown begins", async () => {
    const shutdown = new ShutdownCoordinator({ logger, exit: () => undefined });
    assert.equal(shutdown.signal.aborted, false);
    const pending = shutdown.shutdown("SIGTERM");
    assert.equal(shutdown.signal.aborted, true);
    await pending;
  });

  it("runs later steps after a failure and exits with 1", async () => {
    const exits: number[] = [];
    const order: string[] = [];
    const shutdown = new ShutdownCoordinator({ logger, exit: (code) => exits.push(code) });
    shutdown.register("flush", () => {
      throw new Error("flush failed");
    });
    shutdown.register("close", () => {
      order.push("close");
    });

    await shutdown.shutdown("SIGTERM");

    assert.deepEqual(order, ["close"]);
    assert.deepEqual(exits, [1]);
  });

  it("exits with 1 when the steps exceed the timeout", async () => {
    const exits: number[] = [];
    const shutdown = new ShutdownCoordinator({
      logger,
      timeoutMs: 20,
      exit: (code) => exits.push(code),
    });
    shutdown.register("hang", () => new Promise((resolve) => setTimeout(resolve, 200)));

    void shutdown.shutdown("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 60));

    assert.deepEqual(exits, [1]);
  });
});
