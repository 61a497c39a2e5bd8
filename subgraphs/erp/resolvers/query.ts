import { readPage, toConnection } from '../../shared/connection.js';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.js';
import { ERP_ORIGIN } from '../origin.js';
import { validateCreateOrder } from '../validate-order.js';

export const Query: QueryResolvers = {
  product: (_root, { sku }, { loaders }) => loaders.productBySku.load(sku),
  products: async (_root, args, { db }) => {
    const page = readPage(args, ERP_ORIGIN);
    return toConnection(await db.listProducts(page), page);
  },
  order: (_root, { number }, { loaders }) => loaders.orderByNumber.load(number),
  orders: async (_root, args, { db }) => {
    const page = readPage(args, ERP_ORIGIN);
    return toConnection(await db.listOrders(page, args.status ?? null), page);
  },
};

export const Mutation: MutationResolvers = {
  // Validation throws before any statement runs; the write itself is one transaction.
  createOrder: (_root, { input }, { db }) => db.createOrder(validateCreateOrder(input)),
};
