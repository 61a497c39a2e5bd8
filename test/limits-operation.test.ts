import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { graphql } from './helpers/graphql.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { countRequestsTo, type UpstreamCounter } from './limits-upstream-counter.js';

/**
 * Depth, aliases, tokens, directives and cost over real HTTP, on a gateway with tight limits in
 * front of the ACME subgraphs (behind counting proxies: a refused operation reaches no subgraph).
 */
const TIGHT = { LIMIT_MAX_DEPTH: '2', LIMIT_MAX_ALIASES: '2', LIMIT_MAX_DIRECTIVES: '2', LIMIT_MAX_TOKENS: '40', LIMIT_MAX_COST: '2' };
const PRODUCT_IDS = { products: [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }] };

const exceeded = (message: string, limit: string, max: number, found?: number) => ({
  status: 400,
  body: { errors: [{ message, extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit, max, ...(found === undefined ? {} : { found }) } }] },
});

describe('operation limits', () => {
  let inventory: ServiceProcess;
  let reviews: ServiceProcess;
  let gateway: ServiceProcess;
  const counters: UpstreamCounter[] = [];
  const upstreamRequests = () => counters.reduce((sum, counter) => sum + counter.count(), 0);
  const ask = async (query: string) => {
    const { status, body } = await graphql(gateway.url, query, undefined, { 'x-request-id': 'limits-test' });
    return { status, body };
  };

  beforeAll(async () => {
    [inventory, reviews] = await Promise.all([startAcme('inventory'), startAcme('reviews')]);
    counters.push(await countRequestsTo(inventory.url), await countRequestsTo(reviews.url));
    gateway = await startGateway({ ...TIGHT, SUBGRAPH_INVENTORY_URL: `${counters[0]!.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${counters[1]!.url}/graphql` });
  });
  afterAll(async () => {
    await stopAll([gateway, inventory, reviews]);
    await Promise.all(counters.map((counter) => counter.close()));
  });
  beforeEach(() => counters.forEach((counter) => counter.reset()));

  it('answers an operation at every limit, fetching from the subgraph', async () => {
    // depth 2, 2 aliases, 2 directives, cost 2 (two objects), 40 tokens
    const query = '{ a: products { id @include(if: true) } b: product(id: "p1") { id @skip(if: false) } inventoryRequestId inventoryRequestId }';
    expect(await ask(query)).toEqual({ status: 200, body: { data: { a: PRODUCT_IDS.products, b: { id: 'p1' }, inventoryRequestId: 'limits-test' } } });
    expect(counters[0]!.count()).toBe(1);
  });

  it('refuses an operation deeper than LIMIT_MAX_DEPTH', async () => {
    expect(await ask('{ products { reviews { id } } }')).toEqual(exceeded('Operation depth 3 exceeds the limit of 2', 'depth', 2, 3));
    expect(upstreamRequests()).toBe(0);
  });

  it('counts depth through named and inline fragments, which add no level themselves', async () => {
    expect(await ask('{ products { ... on Product { id } } }')).toEqual({ status: 200, body: { data: PRODUCT_IDS } });
    const deep = '{ products { ...Reviewed } } fragment Reviewed on Product { ... on Product { reviews { id } } }';
    // graphql-armor's cost counts each fragment use as an object: products + 2 fragments + reviews.
    expect(await ask(deep)).toEqual({
      status: 400,
      body: {
        errors: [
          { message: 'Operation cost 4 exceeds the limit of 2', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 2, found: 4 } },
          { message: 'Operation depth 3 exceeds the limit of 2', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 2, found: 3 } },
        ],
      },
    });
    expect(counters[0]!.count()).toBe(1);
  });

  it('refuses more aliases than LIMIT_MAX_ALIASES, counting those inside fragments', async () => {
    expect(await ask('{ a: inventoryRequestId b: inventoryRequestId c: inventoryRequestId }')).toEqual(exceeded('Operation uses 3 aliases; the limit is 2', 'aliases', 2, 3));
    expect(await ask('{ a: inventoryRequestId ...More } fragment More on Query { b: inventoryRequestId c: inventoryRequestId }')).toEqual(
      exceeded('Operation uses 3 aliases; the limit is 2', 'aliases', 2, 3),
    );
    expect(upstreamRequests()).toBe(0);
  });

  it('does not count aliases of __typename', async () => {
    expect(await ask('{ a: __typename b: __typename c: __typename }')).toEqual({ status: 200, body: { data: { a: 'Query', b: 'Query', c: 'Query' } } });
  });

  it('refuses more directives than LIMIT_MAX_DIRECTIVES', async () => {
    const query = '{ products { id @include(if: true) name @include(if: true) inStock @skip(if: false) } }';
    expect(await ask(query)).toEqual(exceeded('Operation uses 3 directives; the limit is 2', 'directives', 2, 3));
    expect(upstreamRequests()).toBe(0);
  });

  it('refuses a document of more than LIMIT_MAX_TOKENS tokens while parsing it', async () => {
    // 41 tokens: `{ products {` (3), 36 × `id`, `} }` (2); each part alone is within every other limit.
    expect(await ask(`{ products { ${'id '.repeat(36)}} }`)).toEqual(exceeded('Operation has more than 40 tokens', 'tokens', 40));
    expect(await ask(`{ products { ${'id '.repeat(35)}} }`)).toEqual({ status: 200, body: { data: PRODUCT_IDS } });
    expect(counters[0]!.count()).toBe(1);
  });

  it('refuses an operation costing more than LIMIT_MAX_COST', async () => {
    expect(await ask('{ products { id } product(id: "p1") { id } p2: product(id: "p2") { id } }')).toEqual(exceeded('Operation cost 3 exceeds the limit of 2', 'cost', 2, 3));
    expect(upstreamRequests()).toBe(0);
  });

  it('reports every limit an operation breaks, next to ordinary validation errors', async () => {
    const response = await ask('{ a: products { reviews { id } } b: products { id } c: products { nope } }');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [
        { message: 'Operation cost 4 exceeds the limit of 2', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 2, found: 4 } },
        { message: 'Operation uses 3 aliases; the limit is 2', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'aliases', max: 2, found: 3 } },
        { message: 'Operation depth 3 exceeds the limit of 2', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 2, found: 3 } },
        {
          message: 'Cannot query field "nope" on type "Product". Did you mean "name"?',
          locations: [{ line: 1, column: 67 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
    expect(upstreamRequests()).toBe(0);
  });

  it('leaves introspection (__schema) out of depth and cost', async () => {
    const response = await ask('{ __schema { queryType { fields { type { name } } } } }');
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });
});
