import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_OVERVIEW, expectedOverview } from './helpers/expected.js';
import { failedFetch } from './helpers/failed-fetch.js';
import { http } from './helpers/graphql.js';
import { readinessWhen, statesOf } from './helpers/readiness.js';
import { type Stack, graphqlAsAdmin as graphql, startStack } from './helpers/stack.js';

/** One dead system costs only its own fields: the rest of the answer arrives with a precise error. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a subgraph killed mid-test', () => {
  it('answers with the other systems’ data and an error naming the dead subgraph, then recovers', async () => {
    const expected = expectedOverview('cus_0001');
    const healthy = await graphql(stack.gatewayUrl, CUSTOMER_OVERVIEW, { id: 'cus_0001' });
    expect(healthy.body).toEqual({ data: expected });

    const erpPort = Number(new URL(stack.subgraphs.erp.url).port);
    stack.subgraphs.erp.child.kill('SIGKILL');
    await new Promise((resolve) => stack.subgraphs.erp.child.once('exit', resolve));

    const degraded = await graphql(stack.gatewayUrl, CUSTOMER_OVERVIEW, { id: 'cus_0001' });
    expect(degraded.status).toBe(200);
    expect(degraded.body.data).toEqual({ customer: { ...expected.customer, orders: null } });
    // The error names the subgraph and sits at the field the ERP would have filled (no path with GATEWAY_EXECUTOR=apollo).
    expect(degraded.body.errors).toEqual(
      failedFetch({ message: 'Subgraph "erp" is unavailable', extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'erp', system: 'erp' }) }, [
        ['customer', 'orders'],
      ]),
    );

    // Reported down after HEALTH_DOWN_AFTER_FAILURES probes in a row, while /readyz itself stays 200.
    const ready = await readinessWhen(stack.gateway!.url, (body) => statesOf(body).erp === 'down');
    expect(ready.subgraphs).toContainEqual(expect.objectContaining({ name: 'erp', state: 'down', failures: expect.any(Number) }));

    await stack.restartSubgraph('erp', erpPort);
    const recovered = await graphql(stack.gatewayUrl, CUSTOMER_OVERVIEW, { id: 'cus_0001' });
    expect(recovered.body).toEqual({ data: expected });
  });
});
