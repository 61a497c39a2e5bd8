import { afterEach, describe, expect, it } from 'vitest';
import { http } from '../../test/helpers/graphql.js';
import { startCrmPair, type CrmPair } from '../../test/helpers/subgraphs/crm.js';

let pair: CrmPair | undefined;
afterEach(async () => {
  await pair?.stop();
  pair = undefined;
});

const LOCATIONS = [{ line: 1, column: 3 }];

describe('crm subgraph when the CRM misbehaves', () => {
  it('answers UPSTREAM_ERROR naming the CRM when it is down', async () => {
    pair = await startCrmPair();
    await pair.crm.stop();
    const response = await pair.query(`{ customer(id: "cus_0001") { id } }`);
    expect(response.body).toEqual({
      data: { customer: null },
      errors: [
        {
          message: 'crm is unreachable',
          locations: LOCATIONS,
          path: ['customer'],
          extensions: { code: 'UPSTREAM_ERROR', system: 'crm', subgraph: 'crm', reason: expect.any(String) },
        },
      ],
    });
    expect((await http('GET', `${pair.subgraph.url}/readyz`)).status).toBe(503);
  });

  it('answers UPSTREAM_RATE_LIMITED when the CRM keeps refusing', async () => {
    // One call every ten seconds: the second call gets a Retry-After too long to wait out.
    pair = await startCrmPair({ CRM_RATE_LIMIT_PER_SECOND: '0.1' });
    const first = await pair.query(`{ customer(id: "cus_0001") { id } }`);
    expect(first.body).toEqual({ data: { customer: { id: 'cus_0001' } } });
    const second = await pair.query(`{ customer(id: "cus_0002") { id } }`);
    expect(second.body).toEqual({
      data: { customer: null },
      errors: [
        {
          message: 'crm is rate limiting requests',
          locations: LOCATIONS,
          path: ['customer'],
          extensions: { code: 'UPSTREAM_RATE_LIMITED', system: 'crm', subgraph: 'crm', retryAfterSeconds: expect.any(Number) },
        },
      ],
    });
  });

  it('never sends the CRM a key it cannot hold, nor a query string it would refuse (HTTP 431)', async () => {
    pair = await startCrmPair();
    await pair.resetCalls();
    // Before: the 60 KB id travelled to the CRM and came back as UPSTREAM_ERROR "HTTP 431".
    const long = await pair.query(`{ customer(id: "${'9'.repeat(60_000)}") { id } }`);
    expect(long.body).toEqual({ data: { customer: null } });
    expect((await pair.calls()).requests).toBe(0);

    // 100 emails of 250 bytes (each one a valid length) fit no single query string: split, never refused.
    const emails = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}${'x'.repeat(234)}@example.com`);
    const found = await pair.query('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }', {
      r: emails.map((email) => ({ __typename: 'Customer', email })),
    });
    expect(found.body).toEqual({ data: { _entities: emails.map(() => null) } });
    expect((await pair.calls()).requests).toBeGreaterThan(1);
  });
});
