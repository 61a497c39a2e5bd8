import { consumerStep } from '../../shared/process/steps.js';
import { assertCustomer } from '../../shared/row-rules.js';
import type { OrderFulfillmentResolvers } from '../__generated__/resolvers-types.js';
import { BOOK_SHIPMENT_CONSUMER, CANCEL_SHIPMENT_CONSUMER } from '../events/handlers.js';
import { ORIGIN } from '../origin.js';

/**
 * Logistics' step of an order's fulfillment (issue 17): the parcel booked at the carrier, from its
 * consumer of order.approved in the logistics events database (keyed by the order number).
 */
export const OrderFulfillment: OrderFulfillmentResolvers = {
  // The ERP hands out the key only for an order the caller may see; logistics checks its customer again.
  __resolveReference: (ref, { principal }) => {
    assertCustomer(principal, ref.customerId, ORIGIN, 'fulfillment');
    return { orderNumber: ref.orderNumber, customerId: ref.customerId };
  },
  shipment: async (fulfillment, _args, { loaders }) => {
    const states = await loaders.stepStates.load(fulfillment.orderNumber);
    return consumerStep({
      step: 'shipment',
      system: 'logistics',
      state: states.get(BOOK_SHIPMENT_CONSUMER),
      skipped: Boolean(states.get(CANCEL_SHIPMENT_CONSUMER)?.processedAt),
      sloMs: loaders.processSlos.shipment,
      now: Date.now(),
    });
  },
};
