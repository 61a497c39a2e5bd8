import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../common/config.js';
import { readProvenanceConfig } from './config.js';
import { fetchPath, foldPath, forwardProvenanceHeader, provenancePlugin, provenanceRequested, recordProvenance, sourcesOf } from './provenance.js';

const item = (over: Record<string, unknown> = {}) => ({
  system: 'crm',
  subgraph: 'crm',
  type: 'Customer',
  fetchedAt: '2026-01-01T00:00:10.000Z',
  ageSeconds: 5,
  fromCache: true,
  staleIfError: false,
  cached: 1,
  fetched: 0,
  ...over,
});
const CRM = { subgraph: 'crm', system: 'crm' };

/** Runs the plugin's requestDidStart as Apollo Server would, for a request with these headers. */
async function startRequest(headers: Record<string, string>, defaultOn = false) {
  const context = { requestId: 'r1', principal: null };
  const hooks = await provenancePlugin({ defaultOn }).requestDidStart!({ request: { http: { headers: new Map(Object.entries(headers)) } }, contextValue: context } as never);
  const finish = async () => {
    const response = { body: { kind: 'single', singleResult: { data: {} as unknown, extensions: undefined as Record<string, unknown> | undefined } } };
    await hooks?.willSendResponse?.({ contextValue: context, response } as never);
    return response.body.singleResult.extensions;
  };
  return { context, finish };
}
const entityFetch = (context: object, path: (string | number)[]) => ({ incomingRequestContext: {}, context, pathInIncomingRequest: path, request: { query: '' } }) as never;
const rootFetch = (context: object, query: string) => ({ incomingRequestContext: {}, context, request: { query } }) as never;

describe('response path prefixes', () => {
  it('folds list positions and type conditions of an entity fetch into one prefix', () => {
    expect(foldPath(['customer', 'orders', 'nodes', 0, 'lines', 3])).toBe('customer.orders.nodes.@.lines.@');
    expect(foldPath(['customers', 'nodes', '@', '... on Customer', 'orders'])).toBe('customers.nodes.@.orders');
    expect(foldPath(['a', '@|[Customer,Order]'])).toBe('a.@');
  });

  it('names a root fetch by its root fields, aliases as written, __typename left out', () => {
    expect(fetchPath({ request: { query: 'query Q__crm__0 { c: customer(id: "x") { id } __typename ...F } fragment F on Query { customers { nodes { id } } }' } })).toBe(
      'c,customers',
    );
    expect(fetchPath({ document: parse('{ product(sku: "A") { id } }'), request: {} })).toBe('product');
    expect(fetchPath({ request: { query: '{ not graphql' } })).toBeUndefined();
  });
});

describe('extensions.sources', () => {
  it('is absent when the caller did not ask, and nothing is forwarded or recorded', async () => {
    const { context, finish } = await startRequest({});
    const headers = new Map<string, string>();
    forwardProvenanceHeader(context, headers);
    recordProvenance(context, entityFetch(context, ['customer']), [item()], CRM);
    expect(headers.size).toBe(0);
    expect(provenanceRequested(context)).toBe(false);
    expect(await finish()).toBeUndefined();
  });

  it('lists each fetch under its path, named by the gateway, merged per path, subgraph and type', async () => {
    const { context, finish } = await startRequest({ 'bizgraph-provenance': '1' });
    const headers = new Map<string, string>();
    forwardProvenanceHeader(context, headers);
    expect(headers.get('bizgraph-provenance')).toBe('1');
    // A subgraph cannot claim another's identity: system and subgraph come from the data source.
    recordProvenance(context, rootFetch(context, '{ customer(id: "cus_0001") { id } }'), [item({ system: 'billing', subgraph: 'billing' })], CRM);
    const ERP = { subgraph: 'erp', system: 'erp' };
    recordProvenance(
      context,
      entityFetch(context, ['customer', 'orders', 'nodes', 0]),
      [item({ type: 'Order', fromCache: false, ageSeconds: 0, cached: 0, fetched: 2, fetchedAt: '2026-01-01T00:00:20.000Z' })],
      ERP,
    );
    recordProvenance(
      context,
      entityFetch(context, ['customer', 'orders', 'nodes', 1]),
      [item({ type: 'Order', fromCache: false, ageSeconds: 0, cached: 0, fetched: 3, fetchedAt: '2026-01-01T00:00:15.000Z' })],
      ERP,
    );
    // Malformed items are dropped, not passed to clients.
    recordProvenance(context, entityFetch(context, ['customer']), [{ type: 'Customer', secret: 'x' }, 'junk', item({ ageSeconds: -1 }), item({ fetchedAt: 'yesterday' })], {
      subgraph: 'support',
      system: 'support',
    });
    recordProvenance(context, entityFetch(context, ['customer']), 'not a list', { subgraph: 'billing', system: 'billing' });
    expect(await finish()).toEqual({
      sources: [
        {
          path: 'customer',
          subgraph: 'crm',
          system: 'crm',
          type: 'Customer',
          fetchedAt: '2026-01-01T00:00:10.000Z',
          ageSeconds: 5,
          fromCache: true,
          staleIfError: false,
          cached: 1,
          fetched: 0,
        },
        {
          path: 'customer.orders.nodes.@',
          subgraph: 'erp',
          system: 'erp',
          type: 'Order',
          fetchedAt: '2026-01-01T00:00:15.000Z',
          ageSeconds: 0,
          fromCache: false,
          staleIfError: false,
          cached: 0,
          fetched: 5,
        },
      ],
    });
  });

  it('follows PROVENANCE=on unless the caller declines with bizgraph-provenance: 0', async () => {
    expect(await (await startRequest({}, true)).finish()).toEqual({ sources: [] });
    expect(await (await startRequest({ 'bizgraph-provenance': '0' }, true)).finish()).toBeUndefined();
  });

  it('reads PROVENANCE as on|off, default off, and names the variable when bad', () => {
    expect(readProvenanceConfig({})).toEqual({ defaultOn: false });
    expect(readProvenanceConfig({ PROVENANCE: 'on' })).toEqual({ defaultOn: true });
    expect(() => readProvenanceConfig({ PROVENANCE: 'yes' })).toThrow(ConfigError);
    expect(() => readProvenanceConfig({ PROVENANCE: 'yes' })).toThrow(/PROVENANCE/);
  });
});

it('sources of an unknown context are empty', () => {
  expect(sourcesOf({ requestId: 'r', principal: null })).toEqual([]);
});
