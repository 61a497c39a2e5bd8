import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { SizedLru } from '../sized-lru.js';

/**
 * Admission of `/graphql` requests while the gateway's own CPU, or the subgraphs it waits on, are
 * the bottleneck.
 *
 * Node interleaves every request it has accepted: with 50 requests in the gateway and its core
 * saturated, each one takes ~50 times its own CPU time to finish, and everything it holds (parsed
 * subgraph answers, the merged tree, the answer being built) survives several young-generation
 * collections and is promoted. On the replayed benchmark (workloads (c) and (d), gateway-bound)
 * garbage collection was then over half the gateway's CPU. Running few operations at once while
 * the loop is saturated, the others waiting their turn in arrival order, lets each finish within
 * a collection or two: the same work, a fraction of the copying and marking.
 *
 * Saturated subgraphs do the same from the other side: each of 50 requests waits seconds in the
 * subgraphs' queues holding what it has fetched so far, though the subgraphs answer no faster for
 * having 50 of them queued rather than 8. So an operation whose run (admission to answer) takes
 * `INFLATED` times its best counts as queueing downstream, and the limit shrinks for that too.
 * The same work again, held for less time: fewer collections copy it, and the subgraphs serve a
 * few requests' fetches in arrival order sooner than many requests' interleaved ones.
 *
 * The limit is re-read every `intervalMs`: when the loop's utilisation is at or above
 * `saturatedUtilization`, or the large operations that finished since the last look ran at least
 * `INFLATED` times their best on average, it shrinks by a quarter toward `saturatedConcurrency`;
 * otherwise it doubles, and past `UNLIMITED_FROM` it is lifted. An interval in which no large
 * operation finished keeps the last verdict on run times (a run may last seconds).
 *
 * Only operations whose last answer was large wait: what a request holds grows with its answer,
 * and small ones (a customer by id) cost more CPU each when fewer run per turn of the loop (fewer
 * share each turn's log and audit writes and wake-ups) while saving no collection work. An
 * operation not seen before counts as large.
 */
export interface AdmissionOptions {
  /** Operations run at once while the loop or the subgraphs are saturated; 0 turns admission off. */
  saturatedConcurrency: number;
  /** Utilisation (0–1) from which the loop counts as saturated. @default 0.9 */
  saturatedUtilization?: number;
  /** @default 100 */
  intervalMs?: number;
  /** The loop's utilisation since the previous call (tests give their own). @default `performance.eventLoopUtilization` */
  sampleUtilization?: () => number;
}

/** What `/metrics` reads at each scrape (`bizgraph_gateway_admission_*`). */
export interface AdmissionState {
  /** Large operations allowed to run at once; +Inf while nothing is saturated. */
  limit: number;
  active: number;
  waiting: number;
  /** Requests that had to wait for their turn, since start. */
  waitedTotal: number;
  /** Seconds they spent waiting, summed (those that expired included). */
  waitSecondsTotal: number;
  /** Requests whose deadline passed while they waited: answered `GATEWAY_OVERLOADED`, never run. */
  expiredTotal: number;
  /** The last verdict on run times: large operations' run time ÷ their best, averaged over an interval (0 before any). */
  runTimeInflation: number;
}

export interface Admission {
  /** True when the operation's last answer (`record`) was small: it runs at once, without `enter`/`leave`. */
  isLight(operation: string): boolean;
  /** An operation's answer size in characters (for `isLight`) and how long it ran, admission to answer, in ms. */
  record(operation: string, answerLength: number, runMs: number): void;
  /**
   * Undefined (no promise) when the request may run at once; otherwise resolves `true` when its
   * turn comes, or `false` once `deadline` (a `performance.now()` time) passes while it waits: it is
   * then off the queue and must not run. Every entry that runs is matched by one `leave`.
   */
  enter(deadline?: number): Promise<boolean> | undefined;
  leave(): void;
  /** Re-reads the utilisation and run times and adjusts the limit (the timer calls it; tests call it directly). */
  adjust(): void;
  state(): AdmissionState;
  close(): void;
}

/**
 * Steps of the limit: it reaches its floor within a second of saturation and is lifted within a
 * second of its end. (Gentler steps, ×0.9 and ×1.25 with a band of utilisation where the
 * limit held, kept more operations running and saved less on (c) and (d), measured replayed.)
 */
const SHRINK = 0.75;
const GROW = 2;
/** A limit this high admits what any realistic set of connections sends: it is lifted instead. */
const UNLIMITED_FROM = 1024;

/** Answers up to this long count as small. */
export const LIGHT_ANSWER_LENGTH = 16 * 1024;
/** Operation texts remembered (by total length): 1,000 of 1 KB. */
const REMEMBERED_TEXT = 1024 * 1024;

/** Runs taking this many times their operation's best, on average, mean the subgraphs are queueing. */
export const INFLATED = 2;
/**
 * Bests are counted from here: an answer served from a cache in a millisecond must not make every
 * later run of the operation look queued, and a run this short holds nothing long enough to matter.
 */
export const SHORTEST_BEST_MS = 100;
/**
 * While nothing waits, a best drifts up by this factor per run, so an operation that became slower
 * for good (more data) stops counting as queued. While requests wait it holds: runs at the floor
 * still queue behind one another and would otherwise teach it a queued run time.
 */
const BEST_DRIFT = 1.002;

/** Off (`saturatedConcurrency` 0): every request runs at once, and nothing is sampled. */
const ADMIT_ALL: Admission = {
  isLight: () => true,
  record: () => undefined,
  enter: () => undefined,
  leave: () => undefined,
  adjust: () => undefined,
  state: () => ({ limit: Number.POSITIVE_INFINITY, active: 0, waiting: 0, waitedTotal: 0, waitSecondsTotal: 0, expiredTotal: 0, runTimeInflation: 0 }),
  close: () => undefined,
};

/** What admission remembers of one operation text: mutated in place, so reading it reorders nothing. */
interface OperationMemory {
  light: boolean;
  /**
   * Its shortest recent run, in ms (at least SHORTEST_BEST_MS), per size of answer: index n holds
   * answers of 2ⁿ to 2ⁿ⁺¹ − 1 characters. One text asked for 50 orders and for 500 (a variable)
   * runs for different times unqueued; one best for both would make the larger look queued.
   */
  bestMs: number[];
}

/** A request waiting for its turn; `expiry` fires at its deadline, if it has one. */
interface Waiter {
  settle(admitted: boolean): void;
  since: number;
  expiry?: NodeJS.Timeout;
}

/** The `bestMs` index of an answer: the position of its length's highest bit. */
const sizeClass = (answerLength: number) => 31 - Math.clz32(answerLength);

export function createAdmission(options: AdmissionOptions): Admission {
  const floor = options.saturatedConcurrency;
  if (floor <= 0) return ADMIT_ALL;
  const saturated = options.saturatedUtilization ?? 0.9;
  const sample = options.sampleUtilization ?? utilizationSampler();
  let limit = Number.POSITIVE_INFINITY;
  let active = 0;
  const waiting: Waiter[] = [];
  let waitedTotal = 0;
  let waitMsTotal = 0;
  let expiredTotal = 0;
  const operations = new SizedLru<OperationMemory>(REMEMBERED_TEXT);
  // Large runs finished since the last adjust: their inflation summed, and how many.
  let inflationSum = 0;
  let inflationRuns = 0;
  let runTimeInflation = 0;

  const admitWaiting = () => {
    while (waiting.length > 0 && active < limit) {
      active++;
      const next = waiting.shift()!;
      clearTimeout(next.expiry);
      waitMsTotal += performance.now() - next.since;
      next.settle(true);
    }
  };

  /** Its deadline passed while it waited: off the queue, answered without running. */
  const expire = (waiter: Waiter) => {
    const index = waiting.indexOf(waiter);
    if (index < 0) return;
    waiting.splice(index, 1);
    expiredTotal++;
    waitMsTotal += performance.now() - waiter.since;
    waiter.settle(false);
  };

  const admission: Admission = {
    isLight: (operation) => operations.peek(operation)?.light === true,
    record(operation, answerLength, runMs) {
      const light = answerLength <= LIGHT_ANSWER_LENGTH;
      const run = Math.max(runMs, SHORTEST_BEST_MS);
      let memory = operations.peek(operation);
      if (!memory) operations.set(operation, (memory = { light, bestMs: [] }), operation.length);
      memory.light = light;
      if (light) return;
      const size = sizeClass(answerLength);
      const best = memory.bestMs[size];
      if (best === undefined) {
        memory.bestMs[size] = run;
        return;
      }
      const drifted = waiting.length === 0 ? best * BEST_DRIFT : best;
      memory.bestMs[size] = Math.min(run, drifted);
      inflationSum += run / memory.bestMs[size];
      inflationRuns++;
    },
    enter(deadline) {
      if (active < limit && waiting.length === 0) {
        active++;
        return undefined;
      }
      waitedTotal++;
      return new Promise<boolean>((settle) => {
        const since = performance.now();
        const waiter: Waiter = { settle, since };
        if (deadline !== undefined) {
          waiter.expiry = setTimeout(expire, Math.max(0, deadline - since), waiter);
          waiter.expiry.unref();
        }
        waiting.push(waiter);
      });
    },
    leave() {
      active--;
      admitWaiting();
    },
    adjust() {
      if (inflationRuns > 0) {
        runTimeInflation = inflationSum / inflationRuns;
        inflationSum = 0;
        inflationRuns = 0;
      }
      if (sample() >= saturated || runTimeInflation >= INFLATED) {
        // Shrinks from what is running now, not from a limit nobody reached.
        limit = Math.max(floor, Math.floor(Math.min(limit, active) * SHRINK));
      } else if (limit !== Number.POSITIVE_INFINITY) {
        const grown = limit * GROW;
        limit = grown >= UNLIMITED_FROM ? Number.POSITIVE_INFINITY : grown;
        admitWaiting();
      }
    },
    state: () => ({ limit, active, waiting: waiting.length, waitedTotal, waitSecondsTotal: waitMsTotal / 1000, expiredTotal, runTimeInflation }),
    close() {
      clearInterval(timer);
      limit = Number.POSITIVE_INFINITY;
      admitWaiting();
    },
  };
  const timer = setInterval(() => admission.adjust(), options.intervalMs ?? 100);
  timer.unref();
  return admission;
}

/** The loop's utilisation between two calls. */
function utilizationSampler(): () => number {
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, previous);
    previous = now;
    return since.utilization;
  };
}
