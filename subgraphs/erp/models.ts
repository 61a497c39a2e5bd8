import type { CountedConnection } from '../shared/connection.js';

/**
 * What the erp resolvers receive as parents: clean names, public ids, enum statuses and integer
 * cents. db.ts builds them from the legacy rows; nothing outside db.ts sees a legacy column.
 */
export type OrderStatus = 'DRAFT' | 'APPROVED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface ProductModel {
  /** `prd_0001` */
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  /** Currency of the list price. */
  currency: string;
  stock: number;
}

export interface OrderModel {
  /** `ord_000001` */
  id: string;
  /** `SO-100001` */
  number: string;
  status: OrderStatus;
  /** ISO-8601 in UTC. */
  placedAt: string;
  /** placedAt in microseconds since the epoch, as the ERP stores it: the key of keyset cursors. */
  placedAtMicros: number;
  /** Optimistic concurrency: starts at 1, incremented by every change (cancelOrder checks it). */
  version: number;
  /** CRM customer id (`cus_0001`). */
  customerId: string;
  currency: string;
  totalCents: number;
  /**
   * ISO-8601 milestones (issue 17), null when not reached or not recorded (orders from before
   * migration 4): approval (createOrder, approveOrder), invoicing and the invoice's due date
   * (billing's `invoice.issued`), shipping (logistics' `shipment.created`), delivery (logistics'
   * `shipment.delivered`), settlement (billing's `payment.recorded`) and cancellation (cancelOrder).
   * The process view (`Order.fulfillment`, `stuckProcesses`) reads them.
   */
  approvedAt: string | null;
  invoicedAt: string | null;
  paymentDueAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  paidAt: string | null;
  cancelledAt: string | null;
}

export interface OrderLineModel {
  orderId: string;
  lineNumber: number;
  productId: string;
  quantity: number;
  unitPriceCents: number;
  /** The order's currency, in which the line is priced. */
  currency: string;
}

/** A Customer as this subgraph knows it: only its key (the CRM owns the rest). */
export interface CustomerRef {
  id: string;
}

/** A page of orders (root list or one customer's), its total counted only when selected. */
export type OrderConnectionModel = CountedConnection<OrderModel>;
export type ProductConnectionModel = CountedConnection<ProductModel>;

/** `Order.fulfillment`: the entity's key, with the order the ERP's step is computed from. */
export interface OrderFulfillmentModel {
  orderNumber: string;
  customerId: string;
  order: OrderModel;
}

export type StuckStep = 'INVOICE' | 'SHIPMENT' | 'DELIVERY' | 'PAYMENT';

/** One row of `stuckProcesses`. */
export interface StuckProcessModel {
  order: OrderModel;
  startedAt: string;
  lateSteps: StuckStep[];
  dueAt: string;
}

export interface StuckProcessConnectionModel {
  nodes: StuckProcessModel[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
