import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLResponse } from './helpers/graphql.js';
import { http } from './helpers/graphql.js';
import { type Stack, startStack } from './helpers/stack.js';
import { waitFor } from './helpers/wait-for.js';

/**
 * The ERP subgraph dies (SIGKILL) or freezes (SIGSTOP: connections hang) while ten clients query
 * four systems at once. Every answer is 200 with CRM, billing and support data and an error naming
 * ERP; none outlives the request deadline (plus a generous margin: a bound, not a speed check);
 * once ERP is back, answers are complete again from the same gateway process.
 * Each phase keeps the load running for LOAD_MS (the 30 s), failure and recovery included.
 */
const DEADLINE_MS = 6000;
/** Client-side slack over the deadline: process scheduling on a loaded two-core CI machine. */
const MARGIN_MS = 4000;
const CLIENTS = 10;
/** Pause between one client's requests: fail-fast answers would otherwise spin the CPU the recovering ERP needs. */
const THINK_MS = 50;
/** How long each phase's load runs, from its start, whatever the failure and recovery took. */
const LOAD_MS = 30_000;

const QUERY = /* GraphQL */ `
  query FourSystems {
    customers(first: 3) {
      nodes {
        id
        name
        orders(first: 2) {
          nodes {
            number
          }
        }
        invoices(first: 2) {
          nodes {
            number
          }
        }
        tickets(first: 2) {
          nodes {
            id
          }
        }
      }
    }
  }
`;

type Customer = { id: string; name: string; orders: unknown; invoices: unknown; tickets: unknown };
type Data = { customers: { nodes: Customer[] } };
interface Sample {
  elapsedMs: number;
  response: GraphQLResponse<Data>;
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    token: { preset: 'admin' },
    // Short ERP settings only: the other systems keep the defaults, so a busy CI machine never times them out.
    env: { REQUEST_DEADLINE_MS: String(DEADLINE_MS), SUBGRAPH_ERP_TIMEOUT_MS: '2000', SUBGRAPH_ERP_BREAKER_HALF_OPEN_MS: '500' },
  });
});
afterAll(async () => {
  stack?.subgraphs.erp.child.kill('SIGCONT');
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `CLIENTS` clients querying back to back until `stop()`; resolves every sample. */
function startLoad() {
  const samples: Sample[] = [];
  const startedAt = Date.now();
  let running = true;
  const client = async () => {
    while (running) {
      const started = Date.now();
      const response = await stack.query<Data>(QUERY);
      samples.push({ elapsedMs: Date.now() - started, response });
      await sleep(THINK_MS);
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  return {
    samples,
    /** Waits until the load has run LOAD_MS (not when a check already failed), then stops it. */
    async stop(completed = true): Promise<Sample[]> {
      if (completed) await sleep(Math.max(0, startedAt + LOAD_MS - Date.now()));
      running = false;
      await Promise.all(clients);
      return samples;
    },
  };
}

const isComplete = (response: GraphQLResponse<Data>) =>
  response.status === 200 && response.body.errors === undefined && response.body.data?.customers.nodes.every((c) => c.orders !== null) === true;

/**
 * Every answer: 200 within the deadline (plus margin), the other three systems' data, and either no
 * error or only errors naming ERP with one of `codes`. Violations are collected so a failure shows them.
 */
function expectDegradedOrComplete(samples: Sample[], codes: readonly string[]): { degraded: number; complete: number } {
  let degraded = 0;
  const violations: unknown[] = [];
  for (const { elapsedMs, response } of samples) {
    const nodes = response.body.data?.customers.nodes ?? [];
    const othersServed = nodes.length === 3 && nodes.every((c) => typeof c.name === 'string' && c.invoices !== null && c.tickets !== null);
    const errors = response.body.errors ?? [];
    const onlyErp = errors.every(
      (error) =>
        error.extensions?.subgraph === 'erp' &&
        error.extensions.system === 'erp' &&
        codes.includes(error.extensions.code as string) &&
        // No host or port of the subgraph reaches the client.
        !/127\.0\.0\.1|ECONN|:\d{2,5}/.test(error.message),
    );
    const ordersMissingOnlyWithError = errors.length > 0 ? nodes.every((c) => c.orders === null) : nodes.every((c) => c.orders !== null);
    if (response.status !== 200 || elapsedMs >= DEADLINE_MS + MARGIN_MS || !othersServed || !onlyErp || !ordersMissingOnlyWithError) {
      violations.push({ status: response.status, elapsedMs, body: response.body });
    }
    if (errors.length > 0) degraded++;
  }
  expect(violations.slice(0, 3)).toEqual([]);
  return { degraded, complete: samples.length - degraded };
}

/** Polls (bounded: 30 s) until an answer is complete again. */
async function expectRecovery(): Promise<void> {
  const until = Date.now() + 30_000;
  let last: GraphQLResponse<Data> | undefined;
  while (Date.now() < until) {
    last = await stack.query<Data>(QUERY);
    if (isComplete(last)) return;
    await sleep(250);
  }
  throw new Error(`answers did not become complete again after ERP came back; erp breaker ${await erpBreaker()}, last answer ${JSON.stringify(last?.body)}`);
}

/** Waits (bounded) until the load got a complete answer: the failure then hits a gateway under way. */
async function loadAnswered(load: { samples: Sample[] }): Promise<void> {
  await waitFor(() => load.samples.some(({ response }) => isComplete(response)), { timeoutMs: 30_000, intervalMs: 50, what: 'a complete answer under load' });
}

/** Waits (bounded) until enough failures under load opened ERP's breaker; the caller still asserts it. */
async function breakerOpened(): Promise<void> {
  await waitFor(async () => ['open', 'half-open'].includes((await erpBreaker()) ?? ''), { timeoutMs: 30_000, intervalMs: 100, what: "ERP's breaker to open" });
}

async function erpBreaker(): Promise<string | undefined> {
  const ready = await http<{ subgraphs: Array<{ name: string; breaker?: string }> }>('GET', `${stack.gateway!.url}/readyz`);
  expect(ready.status).toBe(200);
  return ready.body.subgraphs.find((subgraph) => subgraph.name === 'erp')?.breaker;
}

// Each phase runs LOAD_MS of load plus start-up checks and a bounded recovery wait.
describe('the ERP subgraph fails under load', { timeout: LOAD_MS + 60_000 }, () => {
  it('killed (SIGKILL): partial answers naming erp, then complete again after a restart on the same port', async () => {
    expect(isComplete(await stack.query<Data>(QUERY))).toBe(true);
    const port = Number(new URL(stack.subgraphs.erp.url).port);
    const load = startLoad();
    let completed = false;
    try {
      await loadAnswered(load);
      const exited = new Promise((resolve) => stack.subgraphs.erp.child.once('exit', resolve));
      stack.subgraphs.erp.child.kill('SIGKILL');
      await exited;
      await breakerOpened();
      // Enough consecutive failures under load: the breaker opened (it may be probing right now).
      expect(['open', 'half-open']).toContain(await erpBreaker());
      await stack.restartSubgraph('erp', port);
      await expectRecovery();
      completed = true;
    } finally {
      await load.stop(completed);
    }
    const { samples } = load;

    const { degraded, complete } = expectDegradedOrComplete(samples, ['SUBGRAPH_UNAVAILABLE', 'CIRCUIT_OPEN']);
    expect(degraded).toBeGreaterThan(0);
    expect(complete).toBeGreaterThan(0);
    expect(await erpBreaker()).toBe('closed');
  });

  it('frozen (SIGSTOP): timeouts or an open circuit within the deadline, complete again after SIGCONT', async () => {
    await expectRecovery();
    const load = startLoad();
    let completed = false;
    try {
      await loadAnswered(load);
      stack.subgraphs.erp.child.kill('SIGSTOP');
      try {
        await breakerOpened();
        expect(['open', 'half-open']).toContain(await erpBreaker());
      } finally {
        stack.subgraphs.erp.child.kill('SIGCONT');
      }
      await expectRecovery();
      completed = true;
    } finally {
      await load.stop(completed);
    }
    const { samples } = load;

    const { degraded } = expectDegradedOrComplete(samples, ['SUBGRAPH_TIMEOUT', 'CIRCUIT_OPEN']);
    expect(degraded).toBeGreaterThan(0);
    const codes = new Set(samples.flatMap(({ response }) => (response.body.errors ?? []).map((error) => error.extensions?.code)));
    expect(codes).toContain('SUBGRAPH_TIMEOUT');
    expect(await erpBreaker()).toBe('closed');
  });
});
