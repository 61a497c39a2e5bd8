import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TaskCancelledError,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { GraphQLError } from 'graphql';
import { gatewayError, type SubgraphOrigin } from '../errors.js';
import { gatewayEvents, type BreakerState, type FetchOutcome } from '../observability/events.js';
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

/**
 * The resilience policies of one subgraph, built on cockatiel and shared by every fetch to it:
 * bulkhead (concurrency + small queue) → retry (queries only, jittered exponential backoff, within
 * the retry budget and the request's deadline) → circuit breaker (consecutive transient failures
 * open it; after `breakerHalfOpenMs` one call probes) → one attempt with its own timeout, cut short
 * by the request's deadline. Every attempt and rejection is reported on `gatewayEvents`.
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
   * Runs `attempt` (given the attempt's abort signal) under the policies. Rejections by the policies
   * themselves become `CIRCUIT_OPEN`, `SUBGRAPH_UNAVAILABLE` (bulkhead full) or `SUBGRAPH_TIMEOUT`
   * (deadline) GraphQL errors; the attempt's own failures are thrown as they are.
   */
  async execute<T extends { errors?: readonly unknown[] }>(call: FetchCall, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const remaining = call.deadlineAt - Date.now();
    if (remaining <= 0) throw this.reject(call, 'timeout', this.deadlineError(call));
    this.budget.recordRequest();
    // The request's deadline needs a timer of its own only while a fetch may wait in the bulkhead's
    // queue: each attempt's own timer already stops at the deadline, and retry backoffs never sleep
    // past it. With a free slot (the usual case) the fetch starts at once and needs neither.
    const deadlineTimer = this.bulkhead.executionSlots > 0 ? undefined : clearableTimeout(remaining);
    const deadline = deadlineTimer?.signal;
    let attempts = 0;
    const once = () => {
      attempts += 1;
      if (attempts > 1) gatewayEvents.emit('subgraphRetry', { subgraph: this.origin.subgraph, attempt: attempts });
      const timed = () => this.timed(call, attempt);
      return this.breaker ? this.breaker.execute(timed) : timed();
    };
    const retried = call.operationType === 'query' && this.policy.retries > 0;
    const run = () => (retried ? this.retryPolicy(call, () => attempts).execute(once, deadline) : once());
    try {
      const running = this.bulkhead.execute(run, deadline);
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
      if (deadline && error === deadline.reason) throw attempts === 0 ? this.reject(call, 'timeout', this.deadlineError(call)) : this.deadlineError(call);
      throw error;
    } finally {
      deadlineTimer?.clear();
    }
  }

  /** A retry policy for this call: it sees the call's deadline and attempt count. */
  private retryPolicy(call: FetchCall, attempts: () => number) {
    // Not when this failure just opened the circuit: the retry would only be refused, and the client
    // learns more from the failure itself (timeout, refused) than from CIRCUIT_OPEN.
    const worthRetrying = (error: Error) =>
      isTransient(error) && attempts() <= this.policy.retries && call.deadlineAt > Date.now() && this.breakerState !== 'open' && this.budget.tryRetry();
    const backoff = new DelegateBackoff<{ attempt: number }>(({ attempt }) => {
      const delay = Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      // Never sleep past the deadline: the next attempt then fails at once with SUBGRAPH_TIMEOUT.
      return Math.max(0, Math.min(delay, call.deadlineAt - Date.now()));
    });
    return retry(handleWhen(worthRetrying), { maxAttempts: this.policy.retries, backoff });
  }

  /** One attempt: its own timeout, shortened to what is left of the request's deadline. */
  private async timed<T extends { errors?: readonly unknown[] }>(call: FetchCall, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const left = call.deadlineAt - Date.now();
    if (left <= 0) throw this.reject(call, 'timeout', this.deadlineError(call));
    const budgetMs = Math.min(this.policy.timeoutMs, left);
    const started = performance.now();
    const report = (outcome: FetchOutcome) =>
      gatewayEvents.emit('subgraphFetch', { ...this.origin, durationMs: performance.now() - started, outcome, operationType: call.operationType });
    const timer = clearableTimeout(budgetMs);
    try {
      const value = await attempt(timer.signal);
      report(value.errors?.length ? 'graphql_error' : 'ok');
      return value;
    } catch (error) {
      report(error instanceof GraphQLBodyOnErrorStatus ? 'graphql_error' : isTimeout(error) ? 'timeout' : 'unavailable');
      // Cut by the request's deadline rather than its own timeout: say so (and neither retry nor count it).
      if (isTimeout(error) && budgetMs < this.policy.timeoutMs) throw this.deadlineError(call);
      throw error;
    } finally {
      timer.clear();
    }
  }

  private deadlineError(call: FetchCall): GraphQLError {
    return gatewayError('SUBGRAPH_TIMEOUT', `Subgraph "${this.origin.subgraph}" did not answer within the request deadline of ${call.deadlineMs} ms`, { ...this.origin });
  }

  /** Reports a fetch the policies refused (no attempt reached the subgraph) and returns its error. */
  private reject(call: FetchCall, outcome: FetchOutcome, error: GraphQLError): GraphQLError {
    gatewayEvents.emit('subgraphFetch', { ...this.origin, durationMs: 0, outcome, operationType: call.operationType });
    return error;
  }
}

/**
 * Like `AbortSignal.timeout(ms)` (same `TimeoutError` reason), but its timer is cleared once the
 * work is done: `AbortSignal.timeout` keeps a timer and its signal alive for the full period, which
 * at thousands of fetches a second means tens of thousands of live timers.
 */
function clearableTimeout(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
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
