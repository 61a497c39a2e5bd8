import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayEvents, type GatewayEvents } from '../observability/events.js';
import type { AttemptTimeout } from './attempt-timeout.js';
import { SubgraphResilience, type FetchCall } from './resilience.js';
import type { SubgraphPolicy } from './resilience-config.js';
import { RetryBudget } from './retry-budget.js';

/**
 * The policies alone, with the subgraph call as the far edge: each attempt is a function that
 * answers, fails like undici does, or waits for its timeout's abort signal. The cross-process behaviour is
 * proven in test/resilience-*.test.ts; these pin the rules and the events.
 */
const ORIGIN = { subgraph: 'erp', system: 'erp-db' };
const POLICY: SubgraphPolicy = { timeoutMs: 1000, retries: 2, retryBudgetPercent: 20, breakerFailures: 0, breakerHalfOpenMs: 50, maxConcurrency: 10, maxQueue: 0 };
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4002'), { code: 'ECONNREFUSED' });
const call = (operationType = 'query', deadlineMs = 5000): FetchCall => ({ operationType, deadlineAt: Date.now() + deadlineMs, deadlineMs });
const ok: { data: unknown; errors?: readonly unknown[] } = { data: { ok: true } };

/** Records the events of subgraph `erp` (other tests' gateways may share the process bus). */
function recordEvents() {
  const events: Array<[keyof GatewayEvents, unknown]> = [];
  const offs = (['subgraphFetch', 'subgraphRetry', 'breakerState'] as const).map((name) =>
    gatewayEvents.on(name, (event) => {
      if (event.subgraph !== 'erp') return;
      const { durationMs: _durationMs, ...rest } = event as { durationMs?: number };
      events.push([name, rest]);
    }),
  );
  stops.push(() => offs.forEach((off) => off()));
  return events;
}
const stops: Array<() => void> = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

async function rejection(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

describe('SubgraphResilience', () => {
  it('retries a query after a transient failure and reports each attempt', async () => {
    const events = recordEvents();
    const resilience = new SubgraphResilience(ORIGIN, POLICY);
    let attempts = 0;
    const answer = await resilience.execute(call(), async () => (++attempts < 3 ? Promise.reject(refused()) : ok));
    expect(answer).toBe(ok);
    expect(attempts).toBe(3);
    const fetch = (outcome: string) => ['subgraphFetch', { ...ORIGIN, outcome, operationType: 'query' }];
    expect(events).toEqual([
      fetch('unavailable'),
      ['subgraphRetry', { subgraph: 'erp', attempt: 2 }],
      fetch('unavailable'),
      ['subgraphRetry', { subgraph: 'erp', attempt: 3 }],
      fetch('ok'),
    ]);
  });

  it('never retries a mutation, nor an answer with GraphQL errors, nor a 4xx-like failure', async () => {
    const resilience = new SubgraphResilience(ORIGIN, POLICY);
    let attempts = 0;
    await expect(resilience.execute(call('mutation'), async () => (attempts++, Promise.reject(refused())))).rejects.toThrow('ECONNREFUSED');
    expect(attempts).toBe(1);
    const withErrors = { data: null, errors: [{ message: 'no such order' }] };
    attempts = 0;
    expect(await resilience.execute(call(), async () => (attempts++, withErrors))).toBe(withErrors);
    expect(attempts).toBe(1);
  });

  it('opens the circuit after the configured consecutive failures, fails fast with CIRCUIT_OPEN, and closes after a successful half-open call', async () => {
    const events = recordEvents();
    const resilience = new SubgraphResilience(ORIGIN, { ...POLICY, retries: 0, breakerFailures: 2 });
    let attempts = 0;
    const failing = async () => (attempts++, Promise.reject(refused()));
    await expect(resilience.execute(call(), failing)).rejects.toThrow('ECONNREFUSED');
    await expect(resilience.execute(call(), failing)).rejects.toThrow('ECONNREFUSED');
    expect(resilience.breakerState).toBe('open');
    const open = await rejection(resilience.execute(call(), failing));
    expect(open.message).toBe('Subgraph "erp" is unavailable: its circuit breaker is open after repeated failures');
    expect(open.extensions).toEqual({ code: 'CIRCUIT_OPEN', ...ORIGIN });
    expect(attempts).toBe(2);
    // A fixed wait on purpose: the half-open delay passing is the subject.
    await new Promise((resolve) => setTimeout(resolve, POLICY.breakerHalfOpenMs + 20));
    expect(await resilience.execute(call(), async () => ok)).toBe(ok);
    expect(resilience.breakerState).toBe('closed');
    expect(events.filter(([name]) => name === 'breakerState').map(([, event]) => (event as { state: string }).state)).toEqual(['open', 'half-open', 'closed']);
    expect(events.filter(([name]) => name === 'subgraphFetch').map(([, event]) => (event as { outcome: string }).outcome)).toEqual([
      'unavailable',
      'unavailable',
      'circuit_open',
      'ok',
    ]);
  });

  it('rejects beyond max concurrency plus queue with SUBGRAPH_UNAVAILABLE', async () => {
    const events = recordEvents();
    const resilience = new SubgraphResilience(ORIGIN, { ...POLICY, maxConcurrency: 1, maxQueue: 0 });
    let release!: () => void;
    const first = resilience.execute(call(), () => new Promise<typeof ok>((resolve) => (release = () => resolve(ok))));
    const full = await rejection(resilience.execute(call(), async () => ok));
    expect(full.message).toBe('Subgraph "erp" is unavailable: too many requests to it are in flight');
    expect(full.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', ...ORIGIN });
    release();
    expect(await first).toBe(ok);
    expect(events[0]).toEqual(['subgraphFetch', { ...ORIGIN, outcome: 'bulkhead_full', operationType: 'query' }]);
  });

  it('starts no attempt past the request deadline, and cuts a running one at it', async () => {
    const resilience = new SubgraphResilience(ORIGIN, POLICY);
    let attempts = 0;
    const late = await rejection(resilience.execute(call('query', -1), async () => (attempts++, ok)));
    expect(attempts).toBe(0);
    expect(late.message).toBe('Subgraph "erp" did not answer within the request deadline of -1 ms');
    expect(late.extensions).toEqual({ code: 'SUBGRAPH_TIMEOUT', ...ORIGIN });

    const started = Date.now();
    const hanging = ({ signal }: AttemptTimeout) => new Promise<typeof ok>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const cut = await rejection(resilience.execute(call('query', 100), hanging));
    expect(cut.extensions).toEqual({ code: 'SUBGRAPH_TIMEOUT', ...ORIGIN });
    // A bound on the deadline (100 ms), not a speed measurement: the 1 s attempt timeout never ran out.
    expect(Date.now() - started).toBeLessThan(POLICY.timeoutMs);
  });

  it('gives a fetch still queued in the bulkhead at the deadline SUBGRAPH_TIMEOUT, without running it', async () => {
    const events = recordEvents();
    const resilience = new SubgraphResilience(ORIGIN, { ...POLICY, maxConcurrency: 1, maxQueue: 1 });
    let release!: () => void;
    const first = resilience.execute(call(), () => new Promise<typeof ok>((resolve) => (release = () => resolve(ok))));
    let queuedRan = false;
    const queued = await rejection(resilience.execute(call('query', 50), async () => ((queuedRan = true), ok)));
    expect(queued.extensions).toEqual({ code: 'SUBGRAPH_TIMEOUT', ...ORIGIN });
    release();
    expect(await first).toBe(ok);
    expect(queuedRan).toBe(false);
    expect(events).toContainEqual(['subgraphFetch', { ...ORIGIN, outcome: 'timeout', operationType: 'query' }]);
  });

  it('stops retrying when the retry budget is spent', async () => {
    const resilience = new SubgraphResilience(ORIGIN, { ...POLICY, retries: 1, retryBudgetPercent: 1 });
    let attempts = 0;
    const failing = async () => (attempts++, Promise.reject(refused()));
    // The floor allows 10 retries per window whatever the traffic; the 11th failure is not retried.
    for (let i = 0; i < 11; i++) await expect(resilience.execute(call(), failing)).rejects.toThrow('ECONNREFUSED');
    expect(attempts).toBe(10 * 2 + 1);
  });
});

describe('RetryBudget', () => {
  it('allows retries up to the percentage of first attempts in the last ten seconds, with a floor', () => {
    const budget = new RetryBudget(20, 2);
    const t = 1_000_000;
    for (let i = 0; i < 20; i++) budget.recordRequest(t);
    expect([1, 2, 3, 4, 5].map(() => budget.tryRetry(t))).toEqual([true, true, true, true, false]);
    // Ten seconds later the window has moved on: only the floor is left.
    expect([1, 2, 3].map(() => budget.tryRetry(t + 10_000))).toEqual([true, true, false]);
  });

  it('allows none at 0 %', () => {
    expect(new RetryBudget(0).tryRetry()).toBe(false);
  });
});
