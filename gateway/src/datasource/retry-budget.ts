/**
 * Caps retries at a share of recent traffic (Finagle's and Linkerd's retry budget): in an outage
 * every fetch fails, and unbounded retries would multiply the load on the system that is
 * struggling. The window is ten one-second buckets; a small floor lets a quiet gateway still retry.
 */
export class RetryBudget {
  private readonly requests: number[];
  private readonly retries: number[];
  private bucketAt = 0;
  private current = 0;

  constructor(
    /** Retries allowed per 100 first attempts in the window. */
    private readonly percent: number,
    /** Retries allowed in any window regardless of traffic. @default 10 */
    private readonly floor = 10,
    private readonly buckets = 10,
    private readonly bucketMs = 1000,
  ) {
    this.requests = new Array<number>(buckets).fill(0);
    this.retries = new Array<number>(buckets).fill(0);
  }

  /** A first attempt (not a retry). */
  recordRequest(now = Date.now()): void {
    this.advance(now);
    this.requests[this.current]! += 1;
  }

  /** Takes one retry from the budget; false when the window's share is spent. */
  tryRetry(now = Date.now()): boolean {
    if (this.percent === 0) return false;
    this.advance(now);
    const requests = this.requests.reduce((sum, n) => sum + n, 0);
    const retries = this.retries.reduce((sum, n) => sum + n, 0);
    if (retries >= Math.max(this.floor, (requests * this.percent) / 100)) return false;
    this.retries[this.current]! += 1;
    return true;
  }

  private advance(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    if (this.bucketAt === 0) this.bucketAt = bucket;
    const steps = Math.min(bucket - this.bucketAt, this.buckets);
    for (let i = 0; i < steps; i++) {
      this.current = (this.current + 1) % this.buckets;
      this.requests[this.current] = 0;
      this.retries[this.current] = 0;
    }
    if (bucket > this.bucketAt) this.bucketAt = bucket;
  }
}
