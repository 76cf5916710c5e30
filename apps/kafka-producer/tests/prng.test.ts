import assert from "node:assert/strict";
import { Prng } from "../src/prng";

describe("Prng", () => {
  it("repeats the sequence for the same seed", () => {
    const first = new Prng("seed-a");
    const second = new Prng("seed-a");
    const a = Array.from({ length: 1000 }, () => first.next());
    const b = Array.from({ length: 1000 }, () => second.next());
    assert.deepEqual(a, b);
  });

  it("differs between seeds", () => {
    const first = new Prng("seed-a");
    const second = new Prng("seed-b");
    const a = Array.from({ length: 10 }, () => first.next());
    const b = Array.from({ length: 10 }, () => second.next());
    assert.notDeepEqual(a, b);
  });

  it("stays in its ranges", () => {
    const random = new Prng("ranges");
    for (let i = 0; i < 10_000; i++) {
      const value = random.next();
      assert.ok(value >= 0, `next() returned ${value}`);
      assert.ok(value < 1, `next() returned ${value}`);
      const integer = random.int(3, 7);
      assert.ok(Number.isInteger(integer), `int returned ${integer}`);
      assert.ok(integer >= 3, `int returned ${integer}`);
      assert.ok(integer <= 7, `int returned ${integer}`);
    }
  });

  it("draws normal values with the requested mean and spread", () => {
    const random = new Prng("normal");
    const values = Array.from({ length: 50_000 }, () => random.normal(10, 2));
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    assert.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
    const standardDeviation = Math.sqrt(variance);
    assert.ok(Math.abs(standardDeviation - 2) < 0.05, `standard deviation ${standardDeviation}`);
  });

  it("formats version 4 UUIDs", () => {
    const random = new Prng("uuid");
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = random.uuid();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 1000);
  });

  it("picks by weight", () => {
    const random = new Prng("weights");
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) {
      counts[
        random.weighted([
          ["a", 1],
          ["b", 2],
          ["c", 0],
        ] as const)
      ]++;
    }
    assert.equal(counts.c, 0);
    assert.ok(Math.abs(counts.a / 30_000 - 1 / 3) < 0.02, `share of a ${counts.a / 30_000}`);
  });
});
