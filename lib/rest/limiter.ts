/**
 * Token buckets per key, as the service limits each API: `rate` calls per second, bursts up to
 * `rate`. The client waits for a slot (calls queue in order); the emulator refuses past the limit.
 * @packageDocumentation
 */

interface Bucket {
  /** Tokens left; negative while calls are queued (each owes one). */
  tokens: number;
  /** Milliseconds (monotonic) of the last refill. */
  at: number;
}

/** Per-key token buckets of `rate` tokens per second, `rate` at most. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /** @param rate calls per second per key (> 0). */
  constructor(private readonly rate: number) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new TypeError(`rate must be a positive number, got ${rate}`);
  }

  /**
   * Takes one token for `key` and returns how many milliseconds the caller must wait before its
   * call may go (0: at once). Reservations are first come, first served.
   */
  reserve(key: string, now = performance.now()): number {
    const b = this.refill(key, now);
    b.tokens -= 1;
    return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens * 1000) / this.rate);
  }

  /** Takes one token for `key` if one is available now; false when over the limit. */
  tryTake(key: string, now = performance.now()): boolean {
    const b = this.refill(key, now);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private refill(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.rate, at: now };
      this.buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(this.rate, b.tokens + ((now - b.at) * this.rate) / 1000);
    b.at = now;
    return b;
  }
}
