import { readPage, toConnection } from '../../shared/connection.js';
import { badInput } from '../../shared/errors.js';
import { parseDuration } from '../../shared/process/duration.js';
import { consumerStep, type FulfillmentStepModel } from '../../shared/process/steps.js';
import { ownRow, restrictedCustomer } from '../../shared/row-rules.js';
import type { OrderFulfillmentResolvers, QueryResolvers } from '../__generated__/resolvers-types.js';
import { STUCK_PROCESSES_KEYSET } from '../keysets.js';
import { DELIVERY_CONSUMER, type ErpLoaders } from '../loaders.js';
import type { OrderModel } from '../models.js';
import { ORIGIN } from '../origin.js';

/**
 * The ERP's part of the process view (issue 17): `Order.fulfillment` (the entity billing and
 * logistics add their steps to), the delivery step, and `stuckProcesses`.
 */

/** The delivery step: DONE once delivered_at is set, due from the parcel's booking (shipped_at). */
async function deliveryStep(order: OrderModel, loaders: ErpLoaders, now: number): Promise<FulfillmentStepModel> {
  const states = await loaders.stepStates.load(order.number);
  return consumerStep({
    step: 'delivery',
    system: 'erp',
    state: states.get(DELIVERY_CONSUMER),
    completedAt: order.deliveredAt,
    startedAt: order.shippedAt,
    skipped: order.status === 'CANCELLED' || order.status === 'DRAFT',
    sloMs: loaders.processSlos.delivery,
    now,
  });
}

export const OrderFulfillment: OrderFulfillmentResolvers = {
  __resolveReference: async (ref, { principal, loaders }) => {
    const order = ownRow(principal, await loaders.orderByNumber.load(ref.orderNumber), (found) => found.customerId, ORIGIN, 'order');
    return order && { orderNumber: order.number, customerId: order.customerId, order };
  },
  delivery: (fulfillment, _args, { loaders }) => deliveryStep(fulfillment.order, loaders, Date.now()),
};

export const stuckProcesses: NonNullable<QueryResolvers['stuckProcesses']> = async (_root, args, { principal, db, provenance, loaders }) => {
  const olderThanMs = parseDuration(args.olderThan ?? 'PT0S');
  if (olderThanMs === null) throw badInput(ORIGIN, 'olderThan', 'olderThan must be an ISO-8601 duration such as PT1H or P2D');
  const page = readPage(args, STUCK_PROCESSES_KEYSET, ORIGIN);
  const now = new Date();
  const query = { startedBefore: new Date(now.getTime() - olderThanMs), now, slos: loaders.processSlos, page, customerId: restrictedCustomer(principal) };
  const rows = await provenance.read(
    'Order',
    (found) => found.length,
    () => db.stuckProcesses(query),
  );
  for (const row of rows) loaders.orderByNumber.prime(row.order.number, row.order);
  return toConnection(rows, page, STUCK_PROCESSES_KEYSET);
};
