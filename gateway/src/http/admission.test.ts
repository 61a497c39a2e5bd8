import { describe, expect, it } from 'vitest';
import { createAdmission, INFLATED, LIGHT_ANSWER_LENGTH, SHORTEST_BEST_MS, type Admission } from './admission.js';

/** An admission whose loop utilisation the test sets, adjusted by hand (its timer runs every hour). */
function controlled(saturatedConcurrency = 8) {
  let utilization = 0;
  const admission = createAdmission({ saturatedConcurrency, intervalMs: 3_600_000, sampleUtilization: () => utilization });
  return {
    admission,
    sample(value: number, times = 1) {
      utilization = value;
      for (let i = 0; i < times; i++) admission.adjust();
    },
  };
}

/** Enters `count` times; returns the order in which the waiting entries were let in. */
function enterMany(admission: Admission, count: number) {
  const admittedOrder: number[] = [];
  let immediate = 0;
  for (let i = 0; i < count; i++) {
    const turn = admission.enter();
    if (turn) void turn.then(() => admittedOrder.push(i));
    else immediate++;
  }
  return { immediate, admittedOrder };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('admission while the event loop or the subgraphs are saturated', () => {
  it('lets every request in at once while the loop is not saturated', () => {
    const { admission, sample } = controlled();
    sample(0.5, 10);
    expect(enterMany(admission, 100).immediate).toBe(100);
    expect(admission.state()).toEqual({ limit: Number.POSITIVE_INFINITY, active: 100, waiting: 0, waitedTotal: 0, waitSecondsTotal: 0, expiredTotal: 0, runTimeInflation: 0 });
  });

  it('shrinks to the floor while saturated, then lets the waiting in, in arrival order, one per request that leaves', async () => {
    const { admission, sample } = controlled(8);
    expect(enterMany(admission, 20).immediate).toBe(20);
    sample(0.95);
    // A quarter less than what runs now.
    expect(admission.state().limit).toBe(15);
    sample(0.95, 10);
    expect(admission.state().limit).toBe(8);
    const later = enterMany(admission, 3);
    expect(later.immediate).toBe(0);
    for (let i = 0; i < 12; i++) admission.leave();
    await settle();
    // 20 - 12 = 8 running: at the limit, nobody else gets in yet.
    expect(later.admittedOrder).toEqual([]);
    admission.leave();
    admission.leave();
    await settle();
    expect(later.admittedOrder).toEqual([0, 1]);
    expect(admission.state()).toMatchObject({ active: 8, waiting: 1 });
  });

  it('doubles the limit once the loop is no longer saturated, and lifts it, letting the waiting in', async () => {
    const { admission, sample } = controlled(8);
    enterMany(admission, 8);
    sample(1, 5);
    const waiting = enterMany(admission, 40);
    expect(waiting.immediate).toBe(0);
    sample(0.3);
    await settle();
    expect(admission.state()).toMatchObject({ limit: 16, active: 16, waiting: 32 });
    expect(waiting.admittedOrder).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    sample(0.3, 7);
    await settle();
    expect(admission.state()).toMatchObject({ limit: Number.POSITIVE_INFINITY, active: 48, waiting: 0, waitedTotal: 40 });
    expect(admission.state().waitSecondsTotal).toBeGreaterThan(0);
  });

  it('queues behind those already waiting, even when a slot is free', () => {
    const { admission, sample } = controlled(8);
    enterMany(admission, 8);
    sample(1, 3);
    enterMany(admission, 2);
    admission.leave();
    // The slot went to the first waiting request, not to a newcomer.
    expect(enterMany(admission, 1).immediate).toBe(0);
    expect(admission.state()).toMatchObject({ active: 8, waiting: 2 });
  });

  it('counts an operation as light only after a small answer', () => {
    const { admission } = controlled();
    expect(admission.isLight('{ a }')).toBe(false);
    admission.record('{ a }', 236, 5);
    expect(admission.isLight('{ a }')).toBe(true);
    admission.record('{ a }', LIGHT_ANSWER_LENGTH, 5);
    expect(admission.isLight('{ a }')).toBe(true);
    admission.record('{ a }', LIGHT_ANSWER_LENGTH + 1, 5);
    expect(admission.isLight('{ a }')).toBe(false);
    admission.record('{ b }', 10, 5);
    expect([admission.isLight('{ a }'), admission.isLight('{ b }')]).toEqual([false, true]);
  });

  it('shrinks while large operations run at least INFLATED times their best, though the loop is idle', async () => {
    const { admission, sample } = controlled(8);
    const large = LIGHT_ANSWER_LENGTH + 1;
    // Best runs, unqueued: 150 and 400 ms.
    admission.record('{ orders }', large, 150);
    admission.record('{ dashboard }', large, 400);
    enterMany(admission, 40);
    admission.record('{ orders }', large, 160);
    admission.record('{ dashboard }', large, 430);
    sample(0.1);
    expect(admission.state().limit).toBe(Number.POSITIVE_INFINITY);
    expect(admission.state().runTimeInflation).toBeCloseTo((160 / 150 + 430 / 400) / 2, 2);
    // Queued downstream: 3 s and 5 s.
    admission.record('{ orders }', large, 3000);
    admission.record('{ dashboard }', large, 5000);
    sample(0.1);
    expect(admission.state().limit).toBe(30);
    expect(admission.state().runTimeInflation).toBeGreaterThanOrEqual(INFLATED);
    // No large run finished since: the verdict holds, and the limit keeps shrinking.
    sample(0.1, 10);
    expect(admission.state().limit).toBe(8);
    const later = enterMany(admission, 2);
    expect(later.immediate).toBe(0);
    // Runs back near their best (the bests held while requests waited): the limit doubles, then lifts.
    admission.record('{ orders }', large, 180);
    sample(0.1);
    await settle();
    expect(admission.state().limit).toBe(16);
    sample(0.1, 7);
    await settle();
    expect(admission.state()).toMatchObject({ limit: Number.POSITIVE_INFINITY, waiting: 0 });
  });

  it('judges run times only of large operations, and not against cache-fast bests', () => {
    const { admission, sample } = controlled(8);
    enterMany(admission, 40);
    // A light operation queued downstream does not shrink the limit: light ones never wait.
    admission.record('{ customer }', 200, 5);
    admission.record('{ customer }', 200, 900);
    // A large answer from a cache in 2 ms, then the same operation fetched in 180 ms.
    admission.record('{ orders }', LIGHT_ANSWER_LENGTH + 1, 2);
    admission.record('{ orders }', LIGHT_ANSWER_LENGTH + 1, 180);
    sample(0.1);
    expect(admission.state().runTimeInflation).toBeCloseTo(180 / SHORTEST_BEST_MS, 2);
    expect(admission.state().limit).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps a best per size of answer, so a larger page of the same operation does not look queued', () => {
    const { admission, sample } = controlled(8);
    enterMany(admission, 40);
    // One text, 50 or 500 orders by a variable: 20 KB in 150 ms, 200 KB in 600 ms, unqueued.
    for (let i = 0; i < 5; i++) {
      admission.record('query ($n: Int) { orders(first: $n) }', 20_000, 150);
      admission.record('query ($n: Int) { orders(first: $n) }', 200_000, 600);
    }
    sample(0.1);
    expect(admission.state().runTimeInflation).toBe(1);
    expect(admission.state().limit).toBe(Number.POSITIVE_INFINITY);
    // The larger page queued: 2.4 s (against 600 ms, drifted up by a fifth of a percent).
    admission.record('query ($n: Int) { orders(first: $n) }', 200_000, 2400);
    sample(0.1);
    expect(admission.state().runTimeInflation).toBeCloseTo(4, 1);
    expect(admission.state().limit).toBe(30);
  });

  it('lets a best drift up while nothing waits, so an operation that became slower for good stops counting as queued', () => {
    const { admission, sample } = controlled(8);
    const large = LIGHT_ANSWER_LENGTH + 1;
    admission.record('{ orders }', large, 200);
    // Twice as much data from now on: 400 ms unqueued.
    for (let i = 0; i < 400; i++) admission.record('{ orders }', large, 400);
    sample(0.1);
    expect(admission.state().runTimeInflation).toBeLessThan(INFLATED);
    for (let i = 0; i < 10; i++) admission.record('{ orders }', large, 400);
    sample(0.1);
    expect(admission.state().runTimeInflation).toBe(1);
  });

  it('counts the requests that waited and how long, for /metrics', async () => {
    const { admission, sample } = controlled(8);
    enterMany(admission, 8);
    sample(1, 3);
    const waiting = enterMany(admission, 3);
    expect(admission.state()).toMatchObject({ waiting: 3, waitedTotal: 3, waitSecondsTotal: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    admission.leave();
    admission.leave();
    await settle();
    expect(waiting.admittedOrder).toEqual([0, 1]);
    const { waitedTotal, waitSecondsTotal } = admission.state();
    expect(waitedTotal).toBe(3);
    // Two admitted after ~20 ms each; the third is still waiting and not yet counted.
    expect(waitSecondsTotal).toBeGreaterThanOrEqual(0.038);
    expect(waitSecondsTotal).toBeLessThan(1);
  });

  it('takes a request off the queue when its deadline passes while it waits, and lets the next one in instead', async () => {
    const { admission, sample } = controlled(8);
    enterMany(admission, 8);
    sample(1, 3);
    const outcomes: string[] = [];
    const now = performance.now();
    void admission.enter(now + 20)!.then((admitted) => outcomes.push(`first ${admitted}`));
    void admission.enter(now + 60_000)!.then((admitted) => outcomes.push(`second ${admitted}`));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(outcomes).toEqual(['first false']);
    expect(admission.state()).toMatchObject({ active: 8, waiting: 1, waitedTotal: 2, expiredTotal: 1 });
    // The slot that frees goes to the one still waiting; the expired one never runs.
    admission.leave();
    await settle();
    expect(outcomes).toEqual(['first false', 'second true']);
    expect(admission.state()).toMatchObject({ active: 8, waiting: 0, expiredTotal: 1 });
    admission.close();
  });

  it('admits everyone when closed', async () => {
    const { admission, sample } = controlled(8);
    enterMany(admission, 8);
    sample(1, 3);
    const waiting = enterMany(admission, 5);
    admission.close();
    await settle();
    expect(waiting.admittedOrder).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds nothing back when off (GATEWAY_SATURATED_CONCURRENCY=0)', () => {
    const admission = createAdmission({ saturatedConcurrency: 0, sampleUtilization: () => 1 });
    admission.adjust();
    expect(enterMany(admission, 50).immediate).toBe(50);
    expect(admission.isLight('{ a }')).toBe(true);
  });
});
