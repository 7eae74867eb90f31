/**
 * The service's per-API rate limit: `restRateLimit` calls per second for each API (default 200),
 * refused with 60007 past it; `false` turns it off (benchmarks).
 * @packageDocumentation
 */
import { CommonCode } from '../../rest/codes';
import { refuse } from '../../rest/errors';
import { TokenBuckets } from '../../rest/limiter';

/** Counts calls per API and refuses those over the limit. */
export class ApiRateLimit {
  private readonly buckets: TokenBuckets | null;

  constructor(private readonly limit: number | false) {
    this.buckets = limit === false ? null : new TokenBuckets(limit);
  }

  /** Counts one call of `api`; throws 60007 when the API is over its limit. */
  take(api: string): void {
    if (this.buckets && !this.buckets.tryTake(api)) {
      refuse(CommonCode.RateLimited, `${api} is limited to ${this.limit} calls per second`);
    }
  }
}
