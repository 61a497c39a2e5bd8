/** What a fetcher hooks onto an attempt's timeout instead of an abort listener (`undici-fetcher.ts`). */
export interface TimeoutListener {
  /** Called once, with the `TimeoutError`, when the attempt's time is up: ends the call with it. */
  cancel(reason: Error): void;
}

/**
 * One attempt's timeout: a cleared-when-done timer that ends with the same `TimeoutError`
 * `AbortSignal.timeout(ms)` gives. The gateway's own fetcher listens to it directly (one listener,
 * no event); an `AbortSignal` is made only for callers that ask for one. An `AbortController`, its
 * signal and an 'abort' listener per attempt were about 3 % of the gateway's CPU.
 */
export class AttemptTimeout {
  private expiredWith: DOMException | undefined;
  private listener: TimeoutListener | undefined;
  private controller: AbortController | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    // The timer is unreferenced, like `AbortSignal.timeout`'s, and passed `this` rather than a closure.
    this.timer = setTimeout(expire, ms, this);
    this.timer.unref();
  }

  /** The `TimeoutError` once the time is up. */
  get reason(): DOMException | undefined {
    return this.expiredWith;
  }

  /** An `AbortSignal` that aborts with the same reason (fetchers other than ours, tests); made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.expiredWith) this.controller.abort(this.expiredWith);
    }
    return this.controller.signal;
  }

  /** Sets the one listener (a later call replaces it; `undefined` removes it). */
  listen(listener: TimeoutListener | undefined): void {
    this.listener = listener;
  }

  /** The work is done: the timer goes, and nothing is told any more. */
  clear(): void {
    clearTimeout(this.timer);
    this.listener = undefined;
  }

  /** @internal the timer's callback. */
  expire(): void {
    const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    this.expiredWith = reason;
    this.controller?.abort(reason);
    const listener = this.listener;
    this.listener = undefined;
    listener?.cancel(reason);
  }
}

function expire(timeout: AttemptTimeout): void {
  timeout.expire();
}
