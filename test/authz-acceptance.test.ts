import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { graphql } from './helpers/graphql.js';
import { startStack, SUBGRAPH_NAMES, type Stack } from './helpers/stack.js';
import { bearer } from './helpers/tokens.js';
import { startRecordingProxy, type RecordingProxy } from './fixtures/secure/recording-proxy.js';

/**
 * Issue 3's acceptance on OUR supergraph: a `sales` token (crm:read erp:read support:read, no
 * pii:read) reading Customer.email gets null + UNAUTHORIZED_FIELD_OR_TYPE at the right path with
 * the rest of the answer intact, and the CRM subgraph — seen through a recording proxy, not the
 * gateway's word — was never asked for `email`.
 */
describe('acceptance: sales token reading Customer.email on the shipped supergraph', () => {
  let stack: Stack;
  let proxy: RecordingProxy;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stack = await startStack({ withoutGateway: true });
    proxy = await startRecordingProxy(stack.subgraphs.crm.url);
    const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${stack.subgraphs[name].url}/graphql`]));
    gateway = await startService({ name: 'gateway', entry: 'gateway/src/main.ts', env: { ...stack.env, ...urls, SUBGRAPH_CRM_URL: `${proxy.url}/graphql` } });
  });
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await stack?.stop();
  });

  it('answers email null + UNAUTHORIZED_FIELD_OR_TYPE, the rest intact, and never asks the CRM for it', async () => {
    const query = /* GraphQL */ `
      query SalesView {
        customer(id: "cus_0001") {
          id
          name
          email
          orders(first: 1) {
            nodes {
              number
            }
          }
        }
      }
    `;
    const admin = await graphql(gateway.url, query, undefined, await bearer(stack.dataDir, { preset: 'admin' }));
    expect(admin.body.errors).toBeUndefined();
    const customer = admin.body.data?.customer as { id: string; name: string; email: string; orders: unknown };
    proxy.reset();

    const response = await graphql(gateway.url, query, undefined, await bearer(stack.dataDir, { preset: 'sales' }));
    expect(response.status).toBe(200);
    const asked = proxy.bodies().map((body) => body.query);
    expect(asked).toEqual(['query SalesView__crm__0{customer(id:"cus_0001"){__typename id name}}']);
    expect(asked.join('\n')).not.toContain('email');
    expect(response.body).toEqual({
      data: { customer: { id: 'cus_0001', name: customer.name, email: null, orders: customer.orders } },
      errors: [
        {
          message: 'Not authorized to read Customer.email',
          path: ['customer', 'email'],
          extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Customer.email' },
        },
      ],
    });
  });
});
