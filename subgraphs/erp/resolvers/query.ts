import { aggregateAnswer, customerRef, readGroupBy, readOptionalDateTime, readPeriod, readRowLimit } from '../../shared/aggregates.js';
import { readPage, toConnection, withCount } from '../../shared/connection.js';
import { money } from '../../shared/money.js';
import { assertCustomer, ownRow, restrictedCustomer } from '../../shared/row-rules.js';
import { ORDERS_KEYSET, PRODUCTS_KEYSET } from '../keysets.js';
import type { MutationResolvers, OrderStatus, QueryOrdersArgs, QueryResolvers } from '../__generated__/resolvers-types.js';
import type { OrderFilter } from '../db.js';
import { ORIGIN } from '../origin.js';
import { validateCreateOrder } from '../validate-order.js';
import { stuckProcesses } from './process.js';

const EVERY_STATUS_BUT_CANCELLED: OrderStatus[] = ['DRAFT', 'APPROVED', 'SHIPPED', 'DELIVERED'];

function orderFilter(args: QueryOrdersArgs): OrderFilter {
  const placedAfter = readOptionalDateTime(args.placedAfter, 'placedAfter', ORIGIN);
  const placedBefore = readOptionalDateTime(args.placedBefore, 'placedBefore', ORIGIN);
  return { status: args.status ?? null, placedAfter, placedBefore };
}

export const Query: QueryResolvers = {
  stuckProcesses,
  // Products are a public catalogue: no row-level rule.
  product: (_root, { sku }, { loaders }) => loaders.productBySku.load(sku),
  products: async (_root, args, { db, provenance }) => {
    const page = readPage(args, PRODUCTS_KEYSET, ORIGIN);
    const rows = await provenance.read(
      'Product',
      (found) => found.length,
      () => db.listProducts(page),
    );
    return withCount(toConnection(rows, page, PRODUCTS_KEYSET), () => db.countProducts());
  },
  // The owner is known only after loading: unknown numbers stay null, another customer's is FORBIDDEN.
  order: async (_root, { number }, { principal, loaders }) => ownRow(principal, await loaders.orderByNumber.load(number), (order) => order.customerId, ORIGIN, 'order'),
  orders: async (_root, args, { principal, db, provenance }) => {
    const page = readPage(args, ORDERS_KEYSET, ORIGIN);
    const filter = orderFilter(args);
    const customerId = restrictedCustomer(principal);
    const rows = await provenance.read(
      'Order',
      (found) => found.length,
      () => db.listOrders(page, filter, customerId),
    );
    return withCount(toConnection(rows, page, ORDERS_KEYSET), () => db.countOrders(filter, customerId));
  },
  // Checked before the statement; the grouping is the ERP's, the customer's fields the CRM's.
  salesSummary: async (_root, args, { principal, db, provenance }) => {
    const groupBy = readGroupBy(args.groupBy, ['MONTH'], ORIGIN);
    const query = {
      period: readPeriod(args, ORIGIN),
      groupBy,
      statuses: args.statuses ?? EVERY_STATUS_BUT_CANCELLED,
      limit: readRowLimit(args.first, ORIGIN),
      customerId: restrictedCustomer(principal),
    };
    const found = await provenance.read(
      'Order',
      (rows) => rows.length,
      () => db.salesSummary(query),
    );
    return aggregateAnswer(query.period, groupBy, found, query.limit, (row) => ({
      month: row.month,
      status: row.status,
      customer: customerRef(row.customerId),
      currency: row.currency,
      orders: row.orders,
      total: money(row.totalCents, row.currency),
    }));
  },
};

export const Mutation: MutationResolvers = {
  // Validation and the row-level rule throw before any statement runs; the write is one transaction.
  // A replay answers the first order only for the same request fingerprint, which includes the
  // customer: another customer's order can never come back through a reused key.
  createOrder: (_root, { input }, { principal, db }) => {
    assertCustomer(principal, input.customerId, ORIGIN, 'orders', { field: 'input.customerId' });
    return db.createOrder(validateCreateOrder(input));
  },
  // The owner is known only once the order is locked: the rule runs inside the transaction.
  approveOrder: (_root, { number, expectedVersion }, { principal, db }) =>
    db.approveOrder({ number, expectedVersion, authorize: (order) => assertCustomer(principal, order.customerId, ORIGIN, 'order') }),
  cancelOrder: (_root, { number, expectedVersion }, { principal, db }) =>
    db.cancelOrder({ number, expectedVersion, authorize: (order) => assertCustomer(principal, order.customerId, ORIGIN, 'order') }),
};
