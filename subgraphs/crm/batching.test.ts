import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedCustomer } from '../../systems/seed/types.js';
import { BATCH_SIZES, expectBatched, keysWithUnknown, restCallsFor, startRestBatchingTarget, type BatchingTarget, type FanOutCase } from '../../test/helpers/batching.js';

/**
 * DataLoader audit of the crm subgraph (issue 4): every path that can fan out costs ⌈keys / 100⌉
 * CRM calls, counted at the stand-in, for 10, 100 and 1000 keys. SEED_SCALE 2.5 seeds exactly
 * 1000 customers, so n = 1000 is 999 real keys plus one unknown.
 */
const SCALE = 2.5;
const { customers } = generateDataset({ scale: SCALE });
const UNKNOWN_EMAIL = 'nobody@unknown.example';

const ENTITIES = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Customer {
        id
        name
        email
      }
    }
  }
`;
const entity = (customer: SeedCustomer | undefined) => (customer ? { id: customer.id, name: customer.name, email: customer.email } : null);
const byId = new Map(customers.map((customer) => [customer.id, customer]));
const byEmail = new Map(customers.map((customer) => [customer.email, customer]));

const CASES: FanOutCase[] = [
  {
    // loaders.customerById: DataLoader, maxBatchSize 100 → one GET /customers?ids=… per 100 ids.
    path: 'Customer.__resolveReference(id)',
    request: (n) => {
      const ids = keysWithUnknown(
        customers.map((customer) => customer.id),
        n,
        'cus_9999',
      );
      return {
        query: ENTITIES,
        variables: { r: ids.map((id) => ({ __typename: 'Customer', id })) },
        data: { _entities: ids.map((id) => entity(byId.get(id))) },
        counts: { 'GET /customers': restCallsFor(n) },
      };
    },
  },
  {
    // loaders.customerByEmail: DataLoader on the normalized email, maxBatchSize 100 → GET /customers?emails=…
    path: 'Customer.__resolveReference(email)',
    request: (n) => {
      const emails = keysWithUnknown(
        customers.map((customer) => customer.email),
        n,
        UNKNOWN_EMAIL,
      );
      // Every other email in upper case: the CRM matches case-insensitively, and so must the loader.
      const sent = emails.map((email, i) => (i % 2 === 0 ? email.toUpperCase() : email));
      return {
        query: ENTITIES,
        variables: { r: sent.map((email) => ({ __typename: 'Customer', email })) },
        data: { _entities: emails.map((email) => entity(byEmail.get(email))) },
        counts: { 'GET /customers': restCallsFor(n) },
      };
    },
  },
  {
    // customerPage walks the CRM's cursor pages (≤ 100 a call); the nodes prime both loaders.
    path: 'Query.customers(first: n)',
    request: (n) => ({
      query: /* GraphQL */ `
        query ($n: Int) {
          customers(first: $n) {
            nodes {
              id
              name
              email
            }
          }
        }
      `,
      variables: { n },
      data: { customers: { nodes: customers.slice(0, n).map(entity) } },
      counts: { 'GET /customers': restCallsFor(n) },
    }),
  },
];

let crm: BatchingTarget;
beforeAll(async () => {
  crm = await startRestBatchingTarget('crm', SCALE);
});
afterAll(async () => {
  await crm?.stop();
});

describe.each(CASES)('crm fan-out $path', (fanOut) => {
  it.each(BATCH_SIZES)('answers %i keys with ⌈n / 100⌉ CRM calls', async (n) => {
    await expectBatched(crm, fanOut.request(n));
  });
});
