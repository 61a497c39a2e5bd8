import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchRecord } from '../common/contracts/explorer.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';

/**
 * `bizgraph-fetches: 1` (the explorer's plan view): the answer lists the subgraph fetches the
 * operation made, in the order they started, with the part of the answer each filled.
 */

const FOUR_SYSTEMS = `{ customer(id: "cus_0001") { name orders(first: 2) { nodes { number invoice { number } } } tickets(first: 2) { nodes { subject } } balance { amount } } }`;

let stack: SharedStack;
beforeAll(async () => {
  stack = await borrowStack({ token: { preset: 'admin' } });
});
afterAll(() => stack?.stop());

describe('extensions.fetches', () => {
  it('lists, when asked, each fetch with its system and path, the CRM first and every entity fetch after it', async () => {
    const answer = await stack.query(FOUR_SYSTEMS, undefined, { 'bizgraph-fetches': '1' });
    expect(answer.body.errors).toBeUndefined();
    const fetches = answer.body.extensions?.fetches as FetchRecord[];
    expect(fetches.map((fetch) => `${fetch.system}:${fetch.path}`).sort()).toEqual(
      ['crm:customer', 'erp:customer', 'billing:customer.orders.nodes.@', 'support:customer', 'billing:customer'].sort(),
    );
    expect(fetches[0]).toMatchObject({ subgraph: 'crm', system: 'crm', path: 'customer', errors: 0 });
    // Started in order, each entity fetch after the CRM's answer it needs.
    const starts = fetches.map((fetch) => fetch.startedMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const fetch of fetches.slice(1)) expect(fetch.startedMs).toBeGreaterThanOrEqual(fetches[0]!.startedMs + fetches[0]!.durationMs - 0.2);
  });

  it('is absent unless asked for', async () => {
    const answer = await stack.query(FOUR_SYSTEMS);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.extensions?.fetches).toBeUndefined();
  });
});
