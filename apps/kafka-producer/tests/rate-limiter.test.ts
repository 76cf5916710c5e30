import assert from "node:assert/strict";
import { TokenBucket } from "../src/rate-limiter";

describe("TokenBucket", () => {
  it("hands out the configured rate over time", () => {
    let now = 0;
    const bucket = new TokenBucket(200, 200, () => now);
    let taken = 0;
    // 10 simulated seconds in steps of 37 ms, taking as many tokens as allowed.
    for (; now <= 10_000; now += 37) {
      taken += bucket.take(1000);
    }
    assert.ok(taken >= 1990, `took ${taken} tokens in 10 s at 200/s`);
    assert.ok(taken <= 2000, `took ${taken} tokens in 10 s at 200/s`);
  });

  it("caps a burst after a pause", () => {
    let now = 0;
    const bucket = new TokenBucket(100, 50, () => now);
    now = 60_000;
    assert.equal(bucket.take(1000), 50);
    assert.equal(bucket.take(1000), 0);
  });

  it("takes no more than requested", () => {
    let now = 0;
    const bucket = new TokenBucket(100, 100, () => now);
    now = 1000;
    assert.equal(bucket.take(30), 30);
    assert.equal(bucket.take(1000), 70);
  });

  it("reports the wait until the next token", () => {
    let now = 0;
    const bucket = new TokenBucket(4, 4, () => now);
    assert.equal(bucket.msUntilNextToken(), 250);
    now = 100;
    assert.equal(bucket.msUntilNextToken(), 150);
    now = 250;
    assert.equal(bucket.msUntilNextToken(), 0);
  });

  it("rejects a rate of zero", () => {
    assert.throws(() => new TokenBucket(0, 1), /ratePerSecond 0 must be > 0/);
  });
});
