import { request } from 'undici';
import { generateDataset } from '../systems/seed/generate.js';
import type { BenchArgs } from './args.js';
import { startEventsStack, type EventsStack } from './events-stack.js';
import { EVENTS_MARKERS, renderEventsBlock, type EventsResults, type EventsRun, type EventsTransport } from './events-table.js';
import { describeCommit, describeMachine, fileStamp, writeJson, writeReadmeBlock } from './results.js';
import { log, SEED } from './setup.js';

/**
 * `npm run bench -- --events`: orders per second through the whole flow of issue 17, on JetStream
 * and on the embedded signed-HTTP transport, at 1, 10 and 50 concurrent writers. A writer places
 * an order through the gateway (createOrder) and waits until the order has its invoice (billing)
 * and its parcel (the carrier), then places the next; one checker asks the gateway every
 * POLL_INTERVAL_MS about every order still open (`order(number) { invoice shipments }`, 15 orders
 * per request: the gateway's alias limit), so latency is order placed → both seen, to within a
 * poll. Each run: a warm-up whose orders are not counted, then `--duration` seconds measured.
 */
export const EVENTS_WRITERS = [1, 10, 50] as const;
const TRANSPORTS: readonly EventsTransport[] = ['jetstream', 'http'];
const POLL_INTERVAL_MS = 50;
/** Orders still open when a run's window closes get this long to complete (else they count as errors). */
const DRAIN_MS = 30_000;
const ALIASES_PER_CHECK = 15;

const CREATE_ORDER = 'mutation ($input: CreateOrderInput!) { createOrder(input: $input) { number } }';

interface Answer<T> {
  data?: T;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } }>;
}

async function post<T>(stack: EventsStack, query: string, variables?: Record<string, unknown>): Promise<Answer<T>> {
  const response = await request(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.body.json()) as Answer<T>;
}

const describeErrors = (answer: Answer<unknown>) => answer.errors?.map((error) => `${error.extensions?.code ?? ''} ${error.message}`.trim()).join('; ') ?? 'no data';

/** The answer's data; throws on any error. */
async function graphql<T>(stack: EventsStack, query: string, variables?: Record<string, unknown>): Promise<T> {
  const answer = await post<T>(stack, query, variables);
  if (answer.errors?.length || !answer.data) throw new Error(describeErrors(answer));
  return answer.data;
}

/** Inputs that never run out of stock: one unit of a well-stocked product, for one of many customers. */
function orderInputs() {
  const dataset = generateDataset({ seed: SEED.seed, scale: SEED.scale });
  const products = dataset.products.filter((product) => product.stock >= 200);
  const customers = dataset.customers;
  let n = 0;
  const run = Date.now().toString(36);
  return () => {
    n++;
    return { idempotencyKey: `events-bench-${run}-${n}`, customerId: customers[n % customers.length]!.id, lines: [{ sku: products[n % products.length]!.sku, quantity: 1 }] };
  };
}

/** The orders still waiting for their invoice and parcel, checked together through the gateway. */
function completionChecker(stack: EventsStack) {
  const open = new Map<string, () => void>();
  const checkErrors: string[] = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      const numbers = [...open.keys()];
      for (let i = 0; i < numbers.length; i += ALIASES_PER_CHECK) {
        const chunk = numbers.slice(i, i + ALIASES_PER_CHECK);
        const fields = chunk.map((number, j) => `o${j}: order(number: ${JSON.stringify(number)}) { number invoice { number } shipments { id } }`).join(' ');
        try {
          // Partial answers count: one order's failing field must not hold up the others of its chunk.
          const answer = await post<Record<string, { number: string; invoice: { number: string } | null; shipments: Array<{ id: string }> | null } | null>>(stack, `{ ${fields} }`);
          if (answer.errors?.length) checkErrors.push(describeErrors(answer));
          for (const order of Object.values(answer.data ?? {})) {
            if (order?.invoice && (order.shipments?.length ?? 0) > 0) {
              open.get(order.number)?.();
              open.delete(order.number);
            }
          }
        } catch (error) {
          // A failed check is asked again at the next poll.
          checkErrors.push((error as Error).message);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  })();
  return {
    checkErrors,
    /** Resolves when the order has both; rejects after `timeoutMs`. */
    done(number: string, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          open.delete(number);
          reject(new Error(`${number}: no invoice and parcel within ${timeoutMs} ms`));
        }, timeoutMs);
        open.set(number, () => (clearTimeout(timer), resolve()));
      });
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

const percentile = (sorted: readonly number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);

async function measureFlow(stack: EventsStack, transport: EventsTransport, writers: number, args: BenchArgs): Promise<EventsRun> {
  const nextInput = orderInputs();
  const checker = completionChecker(stack);
  const warmupEnds = Date.now() + args.warmupSeconds * 1000;
  const windowEnds = warmupEnds + args.durationSeconds * 1000;
  const latencies: number[] = [];
  const placing: number[] = [];
  const errors: string[] = [];
  const writer = async () => {
    while (Date.now() < windowEnds) {
      const sentAt = Date.now();
      const counted = sentAt >= warmupEnds;
      try {
        const { createOrder } = await graphql<{ createOrder: { number: string } }>(stack, CREATE_ORDER, { input: nextInput() });
        const placedAt = Date.now();
        await checker.done(createOrder.number, Math.max(windowEnds - placedAt, 0) + DRAIN_MS);
        // Counted when placed in the window and complete by its end: orders/s is what the window finished.
        if (counted && Date.now() <= windowEnds) {
          latencies.push(Date.now() - sentAt);
          placing.push(placedAt - sentAt);
        }
      } catch (error) {
        if (counted) errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  await checker.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const placeSorted = [...placing].sort((a, b) => a - b);
  return {
    transport,
    writers,
    completed: sorted.length,
    seconds: args.durationSeconds,
    ordersPerSec: sorted.length / args.durationSeconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? 0,
    placeP50Ms: percentile(placeSorted, 50),
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    checkErrors: checker.checkErrors.length,
    checkErrorSamples: [...new Set(checker.checkErrors)].slice(0, 5),
  };
}

export async function runEventsBench(args: BenchArgs): Promise<number> {
  const startedAt = new Date().toISOString();
  const runs: EventsRun[] = [];
  for (const transport of TRANSPORTS) {
    log(`${transport}: starting the stack (stand-ins, five subgraphs, gateway${transport === 'jetstream' ? ', nats-server' : ''})…`);
    const stack = await startEventsStack(transport, log);
    try {
      for (const writers of EVENTS_WRITERS) {
        log(`${transport} · ${writers} writer(s): ${args.warmupSeconds} s warm-up, ${args.durationSeconds} s measured…`);
        const run = await measureFlow(stack, transport, writers, args);
        runs.push(run);
        log(
          `  ${run.ordersPerSec.toFixed(1)} orders/s · p50 ${run.p50Ms} ms · p99 ${run.p99Ms} ms · createOrder p50 ${run.placeP50Ms} ms · errors ${run.errors}` +
            (run.errorSamples.length ? ` (${run.errorSamples.join(' | ')})` : '') +
            (run.checkErrors ? ` · completion checks with errors ${run.checkErrors} (${run.checkErrorSamples.join(' | ')})` : ''),
        );
      }
    } finally {
      for (const [what, { count, sample }] of Object.entries(stack.troubles())) log(`  logged ${count}× ${what}${sample ? ` (${sample.slice(0, 300)})` : ''}`);
      await stack.stop();
    }
  }
  const results: EventsResults = {
    format: 'bizgraph-events-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(),
    commit: describeCommit(),
    seed: SEED,
    settings: { warmupSeconds: args.warmupSeconds, durationSeconds: args.durationSeconds, pollIntervalMs: POLL_INTERVAL_MS, writers: [...EVENTS_WRITERS] },
    runs,
  };
  const file = writeJson(`events-${fileStamp(startedAt)}.json`, results);
  const block = renderEventsBlock(results);
  console.log(`\n${block}\n`);
  log(`wrote ${file}`);
  const failed = runs.filter((run) => run.completed === 0).length;
  if (args.custom || failed > 0) {
    log(`events-latest.json and the README were left alone: ${failed ? `${failed} run(s) completed no order` : 'durations were overridden'}`);
  } else {
    log(`wrote ${writeJson('events-latest.json', results)}`);
    const readme = writeReadmeBlock(block, EVENTS_MARKERS);
    log(readme === 'no markers' ? `README.md not changed: add ${EVENTS_MARKERS.start} and ${EVENTS_MARKERS.end}` : `README.md ${readme}`);
  }
  return failed > 0 ? 1 : 0;
}
