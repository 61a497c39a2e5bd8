import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_OVERVIEW, expectedOverview } from './helpers/expected.js';
import { type Stack, graphqlAsAdmin as graphql, startStack } from './helpers/stack.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './helpers/services.js';

/** The same answers when ERP and billing live on a PostgreSQL server instead of embedded PGlite. */
const available = await postgresAvailable();

describe.skipIf(!available)('stack on a PostgreSQL server', () => {
  let stack: Stack;
  let erp: TestDatabase;
  let billing: TestDatabase;
  beforeAll(async () => {
    [erp, billing] = await Promise.all([createTestDatabase('bizgraph_erp'), createTestDatabase('bizgraph_billing')]);
    stack = await startStack({ erpDatabaseUrl: erp.url, billingDatabaseUrl: billing.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([erp?.drop(), billing?.drop()]);
  });

  it('answers the README query exactly as on PGlite', async () => {
    const response = await graphql(stack.gatewayUrl, CUSTOMER_OVERVIEW, { id: 'cus_0001' });
    expect(response.body).toEqual({ data: expectedOverview('cus_0001') });
  });
});
