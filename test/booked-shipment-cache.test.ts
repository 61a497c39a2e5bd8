import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { startStack, type Stack } from './helpers/stack.js';
import { waitFor } from './helpers/wait-for.js';

/**
 * Issue 17 with the logistics entity cache on (as `npm start` runs it): an order read before its
 * parcel was booked has an empty shipment list cached, and the carrier sends no webhook for a
 * booking it was asked for. The booking handler drops that entry, so the parcel shows as soon as
 * it exists, not after the list's TTL (60 s).
 */
describe('a parcel booked for an approved order, with the entity cache on', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ token: { preset: 'admin' }, env: { ENTITY_CACHE: 'on' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the parcel of an order whose empty shipment list was cached before approval', async () => {
    const stockOf = new Map(dataset.products.map((product) => [product.id, product.stock]));
    const draft = dataset.orders.find((order) => order.statusCode === 'D' && order.lines.every((line) => line.quantity <= stockOf.get(line.productId)!))!;
    const shipments = async () => {
      const answer = await stack.query<{ order: { status: string; shipments: Array<{ id: string }> } }>(`query ($n: String!) { order(number: $n) { status shipments { id } } }`, {
        n: draft.number,
      });
      expect(answer.body.errors).toBeUndefined();
      return answer.body.data!.order;
    };
    expect(await shipments()).toEqual({ status: 'DRAFT', shipments: [] });
    // Cached: the same read again is answered without the carrier.
    expect(await shipments()).toEqual({ status: 'DRAFT', shipments: [] });

    const approved = await stack.query(`mutation ($n: String!) { approveOrder(number: $n, expectedVersion: 1) { status } }`, { n: draft.number });
    expect(approved.body).toEqual({ data: { approveOrder: { status: 'APPROVED' } } });
    const booked = await waitFor(async () => ((await shipments()).shipments.length > 0 ? shipments() : undefined), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: `${draft.number}'s parcel past the cached empty list`,
    });
    expect(booked.shipments).toHaveLength(1);
  });
});
