import DataLoader from 'dataloader';
import { readPage, toConnection, withCount, type PageArgs } from '../shared/connection.js';
import { createStepStatesLoader, type StepStates } from '../shared/process/loader.js';
import { defaultProcessSlos, type ProcessSlos } from '../shared/process/slo.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import type { ErpDb } from './db.js';
import { CUSTOMER_ORDERS_KEYSET } from './keysets.js';
import type { OrderConnectionModel, OrderLineModel, OrderModel, OrderStatus, ProductModel } from './models.js';
import { ORIGIN } from './origin.js';

export interface CustomerOrdersArgs extends PageArgs {
  status?: OrderStatus | null;
}

export interface ErpLoaders {
  orderById: DataLoader<string, OrderModel | null>;
  orderByNumber: DataLoader<string, OrderModel | null>;
  linesByOrderId: DataLoader<string, OrderLineModel[]>;
  productById: DataLoader<string, ProductModel | null>;
  productBySku: DataLoader<string, ProductModel | null>;
  /** One page of one customer's orders; batched with every other customer asking for the same page. */
  customerOrders(customerId: string, args: CustomerOrdersArgs): Promise<OrderConnectionModel>;
  /** The ERP consumers' state behind its fulfillment step (delivery), by order number. */
  stepStates: StepStates;
  /** Each fulfillment step's SLO (schema/owners.yaml), read at start-up. */
  processSlos: ProcessSlos;
}

/** The ERP consumer behind the delivery step (events/handlers.ts). */
export const DELIVERY_CONSUMER = 'erp.order-delivery';

function byKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const index = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => index.get(key) ?? null);
}

/**
 * Per-request loaders: every key asked for during one tick becomes ONE statement. An order
 * loaded by number (or in a customer's page) also primes the by-id loader and vice versa.
 * Each statement is recorded for provenance (when asked for) with the time it ran.
 */
export function createLoaders(db: ErpDb, provenance: ProvenanceRecorder, processSlos: ProcessSlos = defaultProcessSlos()): ErpLoaders {
  const rows = <T>(list: readonly T[]) => list.length;
  const primeOrders = (orders: readonly OrderModel[]) => {
    for (const order of orders) {
      orderById.prime(order.id, order);
      orderByNumber.prime(order.number, order);
    }
  };
  const orderById: DataLoader<string, OrderModel | null> = new DataLoader(async (ids) => {
    const orders = await provenance.read('Order', rows, () => db.ordersByIds(ids));
    for (const order of orders) orderByNumber.prime(order.number, order);
    return byKey(ids, orders, (order) => order.id);
  });
  const orderByNumber: DataLoader<string, OrderModel | null> = new DataLoader(async (numbers) => {
    const orders = await provenance.read('Order', rows, () => db.ordersByNumbers(numbers));
    for (const order of orders) orderById.prime(order.id, order);
    return byKey(numbers, orders, (order) => order.number);
  });
  const linesByOrderId = new DataLoader<string, OrderLineModel[]>(async (orderIds) => {
    const lines = await provenance.read('OrderLine', rows, () => db.linesByOrderIds(orderIds));
    const grouped = new Map<string, OrderLineModel[]>();
    for (const line of lines) {
      const list = grouped.get(line.orderId) ?? [];
      list.push(line);
      grouped.set(line.orderId, list);
    }
    return orderIds.map((id) => grouped.get(id) ?? []);
  });
  const productById: DataLoader<string, ProductModel | null> = new DataLoader(async (ids) => {
    const products = await provenance.read('Product', rows, () => db.productsByIds(ids));
    for (const product of products) productBySku.prime(product.sku, product);
    return byKey(ids, products, (product) => product.id);
  });
  const productBySku: DataLoader<string, ProductModel | null> = new DataLoader(async (skus) => {
    const products = await provenance.read('Product', rows, () => db.productsBySkus(skus));
    for (const product of products) productById.prime(product.id, product);
    return byKey(skus, products, (product) => product.sku);
  });

  // Totals of every customer asking with the same status are one GROUP BY.
  const countLoaders = new Map<string, DataLoader<string, number>>();
  const countOrders = (customerId: string, status: OrderStatus | null) => {
    let loader = countLoaders.get(status ?? '');
    if (!loader) {
      loader = new DataLoader<string, number>(async (customerIds) => {
        const counts = await db.countOrdersOfCustomers(customerIds, status);
        return customerIds.map((id) => counts.get(id) ?? 0);
      });
      countLoaders.set(status ?? '', loader);
    }
    return loader.load(customerId);
  };

  // Connection arguments differ between fields of one query; customers asking for the same
  // page (first, after, status) share one loader, so each distinct page is one statement.
  const pageLoaders = new Map<string, DataLoader<string, OrderModel[]>>();
  const customerOrders = async (customerId: string, args: CustomerOrdersArgs) => {
    const page = readPage(args, CUSTOMER_ORDERS_KEYSET, ORIGIN);
    const status = args.status ?? null;
    const groupKey = JSON.stringify([page.limit, page.after, status]);
    let loader = pageLoaders.get(groupKey);
    if (!loader) {
      loader = new DataLoader<string, OrderModel[]>(async (customerIds) => {
        const grouped = await provenance.read(
          'Order',
          (found) => [...found.values()].reduce((n, list) => n + list.length, 0),
          () => db.ordersOfCustomers(customerIds, page, status),
        );
        return customerIds.map((id) => grouped.get(id) ?? []);
      });
      pageLoaders.set(groupKey, loader);
    }
    const rows = await loader.load(customerId);
    primeOrders(rows);
    return withCount(toConnection(rows, page, CUSTOMER_ORDERS_KEYSET), () => countOrders(customerId, status));
  };

  const stepStates = createStepStatesLoader(
    (numbers, consumers) =>
      provenance.read(
        'FulfillmentStep',
        (found) => found.size,
        () => db.consumerStates(numbers, consumers),
      ),
    [DELIVERY_CONSUMER],
  );

  return { orderById, orderByNumber, linesByOrderId, productById, productBySku, customerOrders, stepStates, processSlos };
}
