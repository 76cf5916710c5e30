/**
 * A token bucket: tokens accrue at `ratePerSecond` up to `burst`, and each record spends one.
 * Over any interval of t seconds it hands out at most `burst + ratePerSecond * t` tokens.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) {
      throw new RangeError(
        `invalid token bucket: ratePerSecond ${ratePerSecond} must be > 0 and burst ${burst} >= 1`,
      );
    }
    this.tokens = 0;
    this.updatedAt = this.now();
  }

  /** Takes up to `max` whole tokens and returns how many were taken (possibly 0). */
  take(max: number): number {
    this.refill();
    const granted = Math.min(max, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }

  /** Returns the wait, in ms, until at least one token is available. */
  msUntilNextToken(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = (now - this.updatedAt) / 1000;
    this.updatedAt = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond);
  }
}
