/** Outcome of asking the bucket for one request. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(): RateDecision;
}

/**
 * Token bucket: refills `perSecond` tokens a second up to a burst of `perSecond` (at least one
 * token, so a fractional rate such as 0.1 still lets one call through every ten seconds).
 */
export function createRateLimiter(perSecond: number, now: () => number = Date.now): RateLimiter {
  const capacity = Math.max(1, perSecond);
  let tokens = capacity;
  let last = now();
  return {
    take() {
      const current = now();
      tokens = Math.min(capacity, tokens + ((current - last) / 1000) * perSecond);
      last = current;
      if (tokens >= 1) {
        tokens -= 1;
        return { allowed: true };
      }
      // Retry-After is whole seconds (RFC 9110); never 0, which clients read as "retry now".
      const waitSeconds = (1 - tokens) / perSecond;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
    },
  };
}
