import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { SizedLru } from '../sized-lru.js';

/**
 * Admission of `/graphql` requests while the gateway's own CPU is the bottleneck.
 *
 * Node interleaves every request it has accepted: with 50 requests in the gateway and its core
 * saturated, each one takes ~50 times its own CPU time to finish, and everything it holds (parsed
 * subgraph answers, the merged tree, the answer being built) survives several young-generation
 * collections and is promoted. On the replayed benchmark (workloads (c) and (d), gateway-bound)
 * garbage collection was then over half the gateway's CPU. Running few operations at once while
 * the loop is saturated, the others waiting their turn in arrival order, lets each finish within
 * a collection or two: the same work, a fraction of the copying and marking.
 *
 * The limit follows the event loop's utilisation, sampled every `intervalMs`: at or above
 * `saturatedUtilization` it shrinks by a quarter toward `saturatedConcurrency`; below, it doubles,
 * and past `UNLIMITED_FROM` it is lifted. A gateway waiting on slow subgraphs (mostly idle) thus
 * never queues anything, and one that stops being saturated admits everyone within a few samples.
 *
 * Only operations whose last answer was large wait: what a request holds grows with its answer,
 * and small ones (a customer by id) cost more CPU each when fewer run per turn of the loop (fewer
 * share each turn's log and audit writes and wake-ups) while saving no collection work. An
 * operation not seen before counts as large.
 */
export interface AdmissionOptions {
  /** Operations run at once while the loop is saturated; 0 turns admission off. */
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
  /** Large operations allowed to run at once; +Inf while the loop is not saturated. */
  limit: number;
  active: number;
  waiting: number;
  /** Requests that had to wait for their turn, since start. */
  waitedTotal: number;
  /** Seconds they spent waiting, summed. */
  waitSecondsTotal: number;
}

export interface Admission {
  /** True when the operation's last answer (`record`) was small: it runs at once, without `enter`/`leave`. */
  isLight(operation: string): boolean;
  /** The size of an operation's answer, in characters, for `isLight` (kept only when its class changes). */
  record(operation: string, answerLength: number): void;
  /** Resolves when the request may run: undefined (no promise) when it may run at once. Every entry is matched by one `leave`. */
  enter(): Promise<void> | undefined;
  leave(): void;
  /** Re-reads the utilisation and adjusts the limit (the timer calls it; tests call it directly). */
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

/** Off (`saturatedConcurrency` 0): every request runs at once, and nothing is sampled. */
const ADMIT_ALL: Admission = {
  isLight: () => true,
  record: () => undefined,
  enter: () => undefined,
  leave: () => undefined,
  adjust: () => undefined,
  state: () => ({ limit: Number.POSITIVE_INFINITY, active: 0, waiting: 0, waitedTotal: 0, waitSecondsTotal: 0 }),
  close: () => undefined,
};

export function createAdmission(options: AdmissionOptions): Admission {
  const floor = options.saturatedConcurrency;
  if (floor <= 0) return ADMIT_ALL;
  const saturated = options.saturatedUtilization ?? 0.9;
  const sample = options.sampleUtilization ?? utilizationSampler();
  let limit = Number.POSITIVE_INFINITY;
  let active = 0;
  const waiting: { admit: () => void; since: number }[] = [];
  let waitedTotal = 0;
  let waitMsTotal = 0;
  // Per operation text: was its last answer small? Written only when that changes, and read
  // without reordering, so the common case costs one map lookup.
  const lightOperations = new SizedLru<boolean>(REMEMBERED_TEXT);

  const admitWaiting = () => {
    while (waiting.length > 0 && active < limit) {
      active++;
      const next = waiting.shift()!;
      waitMsTotal += performance.now() - next.since;
      next.admit();
    }
  };

  const admission: Admission = {
    isLight: (operation) => lightOperations.peek(operation) === true,
    record(operation, answerLength) {
      const light = answerLength <= LIGHT_ANSWER_LENGTH;
      if (lightOperations.peek(operation) !== light) lightOperations.set(operation, light, operation.length);
    },
    enter() {
      if (active < limit && waiting.length === 0) {
        active++;
        return undefined;
      }
      waitedTotal++;
      return new Promise<void>((admit) => waiting.push({ admit, since: performance.now() }));
    },
    leave() {
      active--;
      admitWaiting();
    },
    adjust() {
      const utilization = sample();
      if (utilization >= saturated) {
        // Shrinks from what is running now, not from a limit nobody reached.
        limit = Math.max(floor, Math.floor(Math.min(limit, active) * SHRINK));
      } else if (limit !== Number.POSITIVE_INFINITY) {
        const grown = limit * GROW;
        limit = grown >= UNLIMITED_FROM ? Number.POSITIVE_INFINITY : grown;
        admitWaiting();
      }
    },
    state: () => ({ limit, active, waiting: waiting.length, waitedTotal, waitSecondsTotal: waitMsTotal / 1000 }),
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
