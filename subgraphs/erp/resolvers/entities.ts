import { money } from '../../shared/money.js';
import { assertCustomer, ownRow } from '../../shared/row-rules.js';
import type {
  CustomerResolvers,
  OrderConnectionResolvers,
  OrderLineResolvers,
  OrderResolvers,
  ProductConnectionResolvers,
  ProductResolvers,
} from '../__generated__/resolvers-types.js';
import type { OrderModel } from '../models.js';
import { ORIGIN } from '../origin.js';

const ownerOf = (order: OrderModel) => order.customerId;

export const Product: ProductResolvers = {
  __resolveReference: (ref, { loaders }) => ('id' in ref ? loaders.productById.load(ref.id) : loaders.productBySku.load(ref.sku)),
  price: (product) => money(product.priceCents, product.currency),
};

export const Order: OrderResolvers = {
  // Loaded in one batch with the other references, then checked one by one (by cust_ref).
  __resolveReference: async (ref, { principal, loaders }) =>
    ownRow(principal, await ('id' in ref ? loaders.orderById.load(ref.id) : loaders.orderByNumber.load(ref.number)), ownerOf, ORIGIN, 'order'),
  // The CRM owns customers: hand the gateway a reference to resolve there.
  customer: (order) => ({ id: order.customerId }),
  lines: (order, _args, { loaders }) => loaders.linesByOrderId.load(order.id),
  total: (order) => money(order.totalCents, order.currency),
  // The process view's entity: billing and logistics add their steps, checking the customer in its key.
  fulfillment: (order) => ({ orderNumber: order.number, customerId: order.customerId, order }),
};

export const OrderLine: OrderLineResolvers = {
  product: async (line, _args, { loaders }) => {
    const product = await loaders.productById.load(line.productId);
    // order_lines.product_id is a foreign key, so a missing product means a broken database.
    if (!product) throw new Error(`order line ${line.orderId}/${line.lineNumber} names missing product ${line.productId}`);
    return product;
  },
  unitPrice: (line) => money(line.unitPriceCents, line.currency),
};

export const Customer: CustomerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  orders: (customer, args, { principal, loaders }) => {
    // The customer id is the owner: another customer's orders are refused without a statement.
    assertCustomer(principal, customer.id, ORIGIN, 'orders');
    return loaders.customerOrders(customer.id, args);
  },
};

// Counted only when a client selects totalCount (see CountedConnection).
export const OrderConnection: OrderConnectionResolvers = { totalCount: (connection) => connection.count() };
export const ProductConnection: ProductConnectionResolvers = { totalCount: (connection) => connection.count() };
