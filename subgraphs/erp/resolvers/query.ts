import { readPage, toConnection } from '../../shared/connection.js';
import { assertCustomer, ownRow, restrictedCustomer } from '../../shared/row-rules.js';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';
import { validateCreateOrder } from '../validate-order.js';

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
      () => db.listOrders(page, args.status ?? null, restrictedCustomer(principal)),
    );
    return toConnection(rows, page);
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
