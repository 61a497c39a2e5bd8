import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs, type Stack, startStack } from './helpers/stack.js';

/**
 * Provenance end to end (real processes, entity caches on): with `bizgraph-provenance: 1` the
 * answer's `extensions.sources` says, per response path prefix, which system served it, when it
 * was fetched there and whether from cache — as reported by the subgraphs and matching what
 * happened: the CRM answers a customer it cached a moment ago, the ERP, the desk and billing
 * fetch theirs during the request. Fetch times are checked against the test's own clock windows.
 */
const CUSTOMER = 'cus_0001';
const WARM = /* GraphQL */ `
  query Warm($id: ID!) {
    customer(id: $id) {
      id
      name
    }
  }
`;
const EVERYTHING = /* GraphQL */ `
  query Everything($id: ID!) {
    customer(id: $id) {
      id
      name
      orders(first: 3) {
        nodes {
          number
          status
        }
      }
      tickets(first: 3) {
        nodes {
          id
          subject
        }
      }
      balance {
        amount
        currency
      }
    }
  }
`;
const ASK = { 'bizgraph-provenance': '1' };

interface Source {
  path: string;
  subgraph: string;
  system: string;
  type: string;
  fetchedAt: string;
  ageSeconds: number;
  fromCache: boolean;
  staleIfError: boolean;
  cached: number;
  fetched: number;
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ token: { preset: 'admin' }, env: { ENTITY_CACHE: 'on', RESPONSE_CACHE: 'on' } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Runs `work` and returns its result with the clock window it ran in. */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; from: number; to: number }> {
  const from = Date.now();
  const result = await work();
  return { result, from, to: Date.now() };
}

const within = (iso: string, window: { from: number; to: number }) => {
  const at = Date.parse(iso);
  expect(at).toBeGreaterThanOrEqual(window.from);
  expect(at).toBeLessThanOrEqual(window.to);
};

describe('extensions.sources', () => {
  it('reports a CRM cache hit and fresh ERP, support and billing fetches for one cross-system query', async () => {
    const warm = await timed(() => stack.query(WARM, { id: CUSTOMER }, ASK));
    expect(warm.result.body.errors).toBeUndefined();
    const [first] = warm.result.body.extensions?.sources as Source[];
    expect(first).toMatchObject({ path: 'customer', subgraph: 'crm', system: 'crm', type: 'Customer', fromCache: false, ageSeconds: 0, cached: 0, fetched: 1 });
    within(first!.fetchedAt, warm);

    const full = await timed(() => stack.query(EVERYTHING, { id: CUSTOMER }, ASK));
    expect(full.result.status).toBe(200);
    expect(full.result.body.errors).toBeUndefined();
    // Provenance describes this request's fetches: never answered from, or stored in, the response cache.
    expect(full.result.headers['bizgraph-response-cache']).toBe('bypass');
    const sources = full.result.body.extensions?.sources as Source[];
    const data = full.result.body.data as { customer: { orders: { nodes: unknown[] } } };
    expect(sources).toEqual([
      {
        path: 'customer',
        subgraph: 'billing',
        system: 'billing',
        type: 'Customer',
        fetchedAt: expect.any(String),
        ageSeconds: 0,
        fromCache: false,
        staleIfError: false,
        cached: 0,
        fetched: 1,
      },
      {
        path: 'customer',
        subgraph: 'crm',
        system: 'crm',
        type: 'Customer',
        fetchedAt: first!.fetchedAt,
        ageSeconds: expect.any(Number),
        fromCache: true,
        staleIfError: false,
        cached: 1,
        fetched: 0,
      },
      {
        path: 'customer',
        subgraph: 'erp',
        system: 'erp',
        type: 'Order',
        fetchedAt: expect.any(String),
        ageSeconds: 0,
        fromCache: false,
        staleIfError: false,
        cached: 0,
        // The statement reads one row more than the page to tell hasNextPage.
        fetched: expect.any(Number),
      },
      {
        path: 'customer',
        subgraph: 'support',
        system: 'support',
        type: 'Ticket',
        fetchedAt: expect.any(String),
        ageSeconds: 0,
        fromCache: false,
        staleIfError: false,
        cached: 0,
        fetched: 1,
      },
    ]);
    // The CRM's copy is the one the warm-up fetched; its age is measured when it was served.
    const crm = sources.find((source) => source.subgraph === 'crm')!;
    expect(crm.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(crm.ageSeconds).toBeLessThanOrEqual(Math.ceil((full.to - warm.from) / 1000));
    for (const fresh of sources.filter((source) => source.subgraph !== 'crm')) within(fresh.fetchedAt, full);
    expect(sources.find((source) => source.subgraph === 'erp')!.fetched).toBeGreaterThanOrEqual(data.customer.orders.nodes.length);
  });

  it('reports the desk list from cache once the previous query has stored it', async () => {
    const again = await timed(() => stack.query(EVERYTHING, { id: CUSTOMER }, ASK));
    const sources = again.result.body.extensions?.sources as Source[];
    // The requester's list of ticket ids and each ticket on it: all answered by the cache.
    const support = sources.find((source) => source.subgraph === 'support')!;
    expect(support).toMatchObject({ fromCache: true, fetched: 0 });
    expect(support.cached).toBeGreaterThan(1);
    expect(Date.parse(support.fetchedAt)).toBeLessThan(again.from);
    expect(sources.find((source) => source.subgraph === 'erp')).toMatchObject({ fromCache: false, cached: 0 });
    within(sources.find((source) => source.subgraph === 'erp')!.fetchedAt, again);
  });

  it('folds list items into one path prefix per fetch: one entry, not one per customer', async () => {
    const list = await stack.query(
      /* GraphQL */ `
        {
          customers(first: 5) {
            nodes {
              id
              orders(first: 1) {
                nodes {
                  number
                }
              }
            }
          }
        }
      `,
      {},
      ASK,
    );
    expect(list.body.errors).toBeUndefined();
    const sources = list.body.extensions?.sources as Source[];
    expect(sources.map(({ path, subgraph, type }) => ({ path, subgraph, type }))).toEqual([
      { path: 'customers', subgraph: 'crm', type: 'Customer' },
      { path: 'customers.nodes.@', subgraph: 'erp', type: 'Order' },
    ]);
    expect(sources[0]).toMatchObject({ fromCache: false, fetched: 5 });
  });

  it('is absent without the header', async () => {
    const plain = await stack.query(EVERYTHING, { id: CUSTOMER });
    expect(plain.body.errors).toBeUndefined();
    expect(plain.body.extensions?.sources).toBeUndefined();
    const declined = await stack.query(EVERYTHING, { id: CUSTOMER }, { 'bizgraph-provenance': '0' });
    expect(declined.body.extensions?.sources).toBeUndefined();
  });

  it('describes only fetches that happened: a field denied to the caller leaves no trace of its system', async () => {
    // `sales` has no finance:read: balance is removed before planning, so billing is never called.
    const sales = graphqlAs({ preset: 'sales' });
    const denied = await sales(stack.gatewayUrl, EVERYTHING, { id: CUSTOMER }, ASK);
    expect(denied.status).toBe(200);
    expect(denied.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const systems = (denied.body.extensions?.sources as Source[]).map((source) => source.system);
    expect(systems).not.toContain('billing');
    expect(systems).toEqual(expect.arrayContaining(['crm', 'erp', 'support']));
  });
});
