import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  bulkhead,
  circuitBreaker,
  handleWhen,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { GraphQLError } from 'graphql';
import { gatewayError, type SubgraphOrigin } from '../errors.js';
import { gatewayEvents, type BreakerState, type FetchOutcome } from '../observability/events.js';
import { AttemptTimeout } from './attempt-timeout.js';
import { GraphQLBodyOnErrorStatus, isTimeout, isTransient } from './failures.js';
import type { SubgraphPolicy } from './resilience-config.js';
import { RetryBudget } from './retry-budget.js';

/** One subgraph fetch as the policies see it. */
export interface FetchCall {
  /** The client operation's type: only `query` fetches are retried (a mutation's entity fetches too are not). */
  operationType: string;
  /** Epoch ms after which no attempt starts or runs (the client request's deadline). */
  deadlineAt: number;
  /** `REQUEST_DEADLINE_MS`, for the message when it cuts a fetch. */
  deadlineMs: number;
}

/** Backoff before retry n (1-based): full jitter over 100 ms · 2^(n-1), at most 1 s. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 1000;

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** One fetch under the policies: what its attempts share. */
interface Run<T> {
  readonly call: FetchCall;
  readonly attempt: (timeout: AttemptTimeout) => Promise<T>;
  /** Aborts when the request's deadline passes while the fetch may wait in the bulkhead's queue. */
  readonly deadline: AbortSignal | undefined;
  /** Attempts started so far. */
  attempts: number;
  /** One attempt under the breaker (made once per fetch, only when there is a breaker). */
  timed: (() => Promise<T>) | undefined;
}

/**
 * The resilience policies of one subgraph, built on cockatiel and shared by every fetch to it:
 * bulkhead (concurrency + small queue) → retry (queries only, jittered exponential backoff, within
 * the retry budget and the request's deadline) → circuit breaker (consecutive transient failures
 * open it; after `breakerHalfOpenMs` one call probes) → one attempt with its own timeout, cut short
 * by the request's deadline. Every attempt and rejection is reported on `gatewayEvents`.
 *
 * The retry loop is the one cockatiel's `retry(handleWhen(...), { maxAttempts, backoff })` runs,
 * written out: that policy had to be built per fetch (its filter and backoff read the fetch's
 * deadline and attempt count), a dozen objects for every query while retries are rare.
 */
export class SubgraphResilience {
  private readonly breaker: CircuitBreakerPolicy | undefined;
  private readonly bulkhead: BulkheadPolicy;
  private readonly budget: RetryBudget;

  constructor(
    private readonly origin: SubgraphOrigin,
    readonly policy: SubgraphPolicy,
  ) {
    this.bulkhead = bulkhead(policy.maxConcurrency, policy.maxQueue);
    this.budget = new RetryBudget(policy.retryBudgetPercent);
    if (policy.breakerFailures > 0) {
      this.breaker = circuitBreaker(handleWhen(isTransient), { halfOpenAfter: policy.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(policy.breakerFailures) });
      this.breaker.onStateChange((state) => gatewayEvents.emit('breakerState', { subgraph: origin.subgraph, state: STATES[state] }));
    }
  }

  /** `closed` also when the breaker is turned off. */
  get breakerState(): BreakerState {
    return this.breaker ? STATES[this.breaker.state] : 'closed';
  }

  /**
   * Runs `attempt` (given the attempt's timeout) under the policies. Rejections by the policies
   * themselves become `CIRCUIT_OPEN`, `SUBGRAPH_UNAVAILABLE` (bulkhead full) or `SUBGRAPH_TIMEOUT`
   * (deadline) GraphQL errors; the attempt's own failures are thrown as they are.
   */
  async execute<T extends { errors?: readonly unknown[] }>(call: FetchCall, attempt: (timeout: AttemptTimeout) => Promise<T>): Promise<T> {
    const remaining = call.deadlineAt - Date.now();
    if (remaining <= 0) throw this.reject(call, 'timeout', this.deadlineError(call));
    this.budget.recordRequest();
    // The request's deadline needs a timer of its own only while a fetch may wait in the bulkhead's
    // queue: each attempt's own timer already stops at the deadline, and retry backoffs never sleep
    // past it. With a free slot (the usual case) the fetch starts at once and needs neither.
    const deadlineTimer = this.bulkhead.executionSlots > 0 ? undefined : new AttemptTimeout(remaining);
    const deadline = deadlineTimer?.signal;
    const run: Run<T> = { call, attempt, deadline, attempts: 0, timed: undefined };
    try {
      const running = this.bulkhead.execute(() => this.retrying(run), deadline);
      return await (deadline ? untilAborted(running, deadline) : running);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw this.reject(
          call,
          'circuit_open',
          gatewayError('CIRCUIT_OPEN', `Subgraph "${this.origin.subgraph}" is unavailable: its circuit breaker is open after repeated failures`, { ...this.origin }),
        );
      }
      if (error instanceof BulkheadRejectedError) {
        throw this.reject(
          call,
          'bulkhead_full',
          gatewayError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.origin.subgraph}" is unavailable: too many requests to it are in flight`, {
            ...this.origin,
            reason: 'bulkhead full',
          }),
        );
      }
      // Still queued in the bulkhead at the deadline: no attempt ran. (An attempt in flight reports itself.)
      if (error instanceof TaskCancelledError) throw this.reject(call, 'timeout', this.deadlineError(call));
      // The deadline passed first: reported here only when no attempt ran (one in flight reports itself).
      if (deadline && error === deadline.reason) throw run.attempts === 0 ? this.reject(call, 'timeout', this.deadlineError(call)) : this.deadlineError(call);
      throw error;
    } finally {
      deadlineTimer?.clear();
    }
  }

  /** The attempts of one fetch: a query is tried again after a failure worth it, after a backoff. */
  private async retrying<T extends { errors?: readonly unknown[] }>(run: Run<T>): Promise<T> {
    if (run.call.operationType !== 'query' || this.policy.retries === 0) return this.once(run);
    for (;;) {
      try {
        return await this.once(run);
      } catch (error) {
        // As cockatiel's retry: the filter first, then no retry once the deadline signal aborted.
        if (!this.worthRetrying(error, run) || run.deadline?.aborted) throw error;
        await sleep(this.backoffMs(run));
      }
    }
  }

  private once<T extends { errors?: readonly unknown[] }>(run: Run<T>): Promise<T> {
    run.attempts += 1;
    if (run.attempts > 1) gatewayEvents.emit('subgraphRetry', { subgraph: this.origin.subgraph, attempt: run.attempts });
    if (!this.breaker) return this.timed(run);
    run.timed ??= () => this.timed(run);
    return this.breaker.execute(run.timed);
  }

  /**
   * Whether a failed attempt is tried again. Not when this failure just opened the circuit: the
   * retry would only be refused, and the client learns more from the failure itself (timeout,
   * refused) than from CIRCUIT_OPEN. The budget is asked last: only a retry that happens spends it.
   */
  private worthRetrying(error: unknown, run: Run<unknown>): boolean {
    return isTransient(error) && run.attempts <= this.policy.retries && run.call.deadlineAt > Date.now() && this.breakerState !== 'open' && this.budget.tryRetry();
  }

  /** Before retry n (n = attempts so far): full jitter, never past the deadline (the next attempt then fails at once with SUBGRAPH_TIMEOUT). */
  private backoffMs(run: Run<unknown>): number {
    const delay = Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (run.attempts - 1));
    return Math.max(0, Math.min(delay, run.call.deadlineAt - Date.now()));
  }

  /** One attempt: its own timeout, shortened to what is left of the request's deadline. */
  private async timed<T extends { errors?: readonly unknown[] }>(run: Run<T>): Promise<T> {
    const { call } = run;
    const left = call.deadlineAt - Date.now();
    if (left <= 0) throw this.reject(call, 'timeout', this.deadlineError(call));
    const budgetMs = Math.min(this.policy.timeoutMs, left);
    const started = performance.now();
    const timeout = new AttemptTimeout(budgetMs);
    try {
      const value = await run.attempt(timeout);
      this.report(call, performance.now() - started, value.errors?.length ? 'graphql_error' : 'ok');
      return value;
    } catch (error) {
      this.report(call, performance.now() - started, error instanceof GraphQLBodyOnErrorStatus ? 'graphql_error' : isTimeout(error) ? 'timeout' : 'unavailable');
      // Cut by the request's deadline rather than its own timeout: say so (and neither retry nor count it).
      if (isTimeout(error) && budgetMs < this.policy.timeoutMs) throw this.deadlineError(call);
      throw error;
    } finally {
      timeout.clear();
    }
  }

  private report(call: FetchCall, durationMs: number, outcome: FetchOutcome): void {
    gatewayEvents.emit('subgraphFetch', { subgraph: this.origin.subgraph, system: this.origin.system, durationMs, outcome, operationType: call.operationType });
  }

  private deadlineError(call: FetchCall): GraphQLError {
    return gatewayError('SUBGRAPH_TIMEOUT', `Subgraph "${this.origin.subgraph}" did not answer within the request deadline of ${call.deadlineMs} ms`, { ...this.origin });
  }

  /** Reports a fetch the policies refused (no attempt reached the subgraph) and returns its error. */
  private reject(call: FetchCall, outcome: FetchOutcome, error: GraphQLError): GraphQLError {
    this.report(call, 0, outcome);
    return error;
  }
}

/** A retry's backoff: a referenced timer, as cockatiel's retry sleeps (the process waits for the retry). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with the signal's reason when it aborts first (a fetch queued in the bulkhead past the deadline). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
