import { aggregateAnswer, customerRef, readGroupBy, readOptionalDateTime, readPeriod, readRowLimit } from '../../shared/aggregates.js';
import { readPage, toConnection } from '../../shared/connection.js';
import { money } from '../../shared/money.js';
import { assertCustomer, ownRow, restrictedCustomer } from '../../shared/row-rules.js';
import type { MutationResolvers, OrderStatus, QueryOrdersArgs, QueryResolvers } from '../__generated__/resolvers-types.js';
import type { OrderFilter } from '../db.js';
import { ORIGIN } from '../origin.js';
import { validateCreateOrder } from '../validate-order.js';

const EVERY_STATUS_BUT_CANCELLED: OrderStatus[] = ['DRAFT', 'APPROVED', 'SHIPPED', 'DELIVERED'];

function orderFilter(args: QueryOrdersArgs): OrderFilter {
  const placedAfter = readOptionalDateTime(args.placedAfter, 'placedAfter', ORIGIN);
  const placedBefore = readOptionalDateTime(args.placedBefore, 'placedBefore', ORIGIN);
  return { status: args.status ?? null, placedAfter, placedBefore };
}

export const Query: QueryResolvers = {
  // Products are a public catalogue: no row-level rule.
  product: (_root, { sku }, { loaders }) => loaders.productBySku.load(sku),
  products: async (_root, args, { db, provenance }) => {
    const page = readPage(args, ORIGIN);
    return toConnection(
      await provenance.read(
        'Product',
        (rows) => rows.length,
        () => db.listProducts(page),
      ),
      page,
    );
  },
  // The owner is known only after loading: unknown numbers stay null, another customer's is FORBIDDEN.
  order: async (_root, { number }, { principal, loaders }) => ownRow(principal, await loaders.orderByNumber.load(number), (order) => order.customerId, ORIGIN, 'order'),
  orders: async (_root, args, { principal, db, provenance }) => {
    const page = readPage(args, ORIGIN);
    const rows = await provenance.read(
      'Order',
      (found) => found.length,
      () => db.listOrders(page, orderFilter(args), restrictedCustomer(principal)),
    );
    return toConnection(rows, page);
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
};
