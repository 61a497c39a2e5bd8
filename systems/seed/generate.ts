import { readInt, readNumber } from '../../common/config.js';
import {
  ACCOUNT_MANAGERS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  COUNTRIES,
  CURRENCY_BY_COUNTRY,
  FIRST_NAMES,
  LAST_NAMES,
  PHONE_PREFIX,
  PRODUCT_ADJECTIVES,
  PRODUCT_NOUNS,
  TICKET_SUBJECTS,
} from './names.js';
import { createRandom, type Random } from './random.js';
import { makeShipments } from './shipments.js';
import type {
  BillingStatusCode,
  Dataset,
  ErpStatusCode,
  PaymentMethodCode,
  SeedAccount,
  SeedCustomer,
  SeedInvoice,
  SeedOrder,
  SeedPayment,
  SeedProduct,
  SeedTicket,
  TicketPriority,
  TicketStatus,
} from './types.js';

export const DEFAULT_SEED = 20261126;
/** Every date in the data set is relative to this instant, so statuses are reproducible. */
export const SEED_NOW = Date.parse('2026-06-30T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** SLA hours by ticket priority, as the support desk computes `slaDueAt`. */
export const SLA_HOURS: Record<TicketPriority, number> = { URGENT: 4, HIGH: 8, NORMAL: 24, LOW: 72 };

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();
const dateOnly = (ms: number) => iso(ms).slice(0, 10);

export function customerId(n: number): string {
  return `cus_${pad(n, 4)}`;
}
export function orderNumber(n: number): string {
  return `SO-${100000 + n}`;
}

function makeCustomers(random: Random, count: number): SeedCustomer[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const country = random.pick(COUNTRIES);
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const company = `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_SUFFIXES)}`;
    return {
      id: customerId(n),
      name: `${first} ${last} (${company})`,
      email: `${first}.${last}.${n}@${company.split(' ')[0]!.toLowerCase()}.example`.toLowerCase(),
      phone: `${PHONE_PREFIX[country]} ${random.int(1000000, 9999999)}`,
      segment: random.pick(['ENTERPRISE', 'MID_MARKET', 'SMB', 'SMB'] as const),
      country,
      accountManager: random.pick(ACCOUNT_MANAGERS),
      createdAt: iso(SEED_NOW - random.int(400, 1500) * DAY),
    };
  });
}

function makeProducts(random: Random, count: number): SeedProduct[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    return {
      id: `prd_${pad(n, 4)}`,
      sku: `SKU-${10000 + n}`,
      name: `${random.pick(PRODUCT_ADJECTIVES)} ${random.pick(PRODUCT_NOUNS)} ${random.pick(['S', 'M', 'L', 'XL'])}`,
      priceCents: random.int(150, 25000),
      // The last products are nearly out of stock, so reservations can fail realistically.
      stock: n > count - 3 ? 2 : random.int(200, 5000),
    };
  });
}

function statusFor(random: Random, ageDays: number): ErpStatusCode {
  if (random.chance(0.04)) return 'X';
  if (ageDays < 3) return random.pick(['D', 'A'] as const);
  if (ageDays < 10) return random.pick(['A', 'S'] as const);
  return random.chance(0.9) ? 'F' : 'S';
}

function makeOrder(random: Random, n: number, customer: SeedCustomer, products: SeedProduct[], status?: ErpStatusCode): SeedOrder {
  const ageDays = random.int(0, 700);
  const lineCount = random.int(1, 4);
  const used = new Set<string>();
  const lines = [];
  for (let lineNo = 1; lineNo <= lineCount; lineNo++) {
    const product = random.pick(products.slice(0, products.length - 3));
    if (used.has(product.id)) continue;
    used.add(product.id);
    lines.push({ lineNo: lines.length + 1, productId: product.id, quantity: random.int(1, 12), unitPriceCents: product.priceCents });
  }
  return {
    id: `ord_${pad(n, 6)}`,
    number: orderNumber(n),
    customerId: customer.id,
    statusCode: status ?? statusFor(random, ageDays),
    placedAt: iso(SEED_NOW - ageDays * DAY - random.int(0, 86_399) * 1000),
    currency: CURRENCY_BY_COUNTRY[customer.country] ?? 'EUR',
    totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
    lines,
  };
}

function makeOrders(random: Random, count: number, customers: SeedCustomer[], products: SeedProduct[]): SeedOrder[] {
  const first = customers[0]!;
  // The first customer always has a full history: delivered, shipped and open orders.
  const pinned: ErpStatusCode[] = ['F', 'F', 'S', 'A', 'D'];
  const orders = pinned.map((status, i) => makeOrder(random, i + 1, first, products, status));
  for (let n = orders.length + 1; n <= count; n++) orders.push(makeOrder(random, n, random.pick(customers), products));
  return orders;
}

function makeBilling(random: Random, orders: SeedOrder[], customers: SeedCustomer[]) {
  const invoices: SeedInvoice[] = [];
  const payments: SeedPayment[] = [];
  const methods: PaymentMethodCode[] = ['CC', 'BT', 'BT', 'DD', 'CK'];
  type Settlement = 'random' | 'paid' | 'unpaid';
  const addInvoice = (order: Pick<SeedOrder, 'number' | 'customerId' | 'placedAt' | 'totalCents' | 'currency'>, settlement: Settlement) => {
    const n = invoices.length + 1;
    const issued = Date.parse(order.placedAt) + DAY;
    const due = issued + 30 * DAY;
    const invoiceId = `inv_${pad(n, 6)}`;
    const roll = random.next();
    let paidCents = 0;
    if (settlement === 'paid' || (settlement === 'random' && roll < 0.7)) paidCents = order.totalCents;
    else if (settlement === 'random' && roll < 0.8) paidCents = Math.floor(order.totalCents / 2);
    const split = paidCents > 0 && random.chance(0.25) ? [Math.floor(paidCents / 2), paidCents - Math.floor(paidCents / 2)] : paidCents > 0 ? [paidCents] : [];
    split.forEach((amountCents, i) => {
      payments.push({
        id: `pay_${pad(payments.length + 1, 6)}`,
        invoiceId,
        amountCents,
        paidAt: iso(Math.min(SEED_NOW, issued + (i + 1) * random.int(1, 20) * DAY)),
        methodCode: random.pick(methods),
      });
    });
    let statusCode: BillingStatusCode = paidCents >= order.totalCents ? 'P' : due < SEED_NOW ? 'D' : 'O';
    if (paidCents === 0 && settlement === 'random' && random.chance(0.02)) statusCode = 'V';
    invoices.push({
      id: invoiceId,
      number: `INV-${200000 + n}`,
      orderNumber: order.number,
      crmRef: order.customerId,
      statusCode,
      issuedOn: dateOnly(issued),
      dueOn: dateOnly(due),
      amountCents: order.totalCents,
      currency: order.currency,
    });
  };
  for (const order of orders) {
    if (order.statusCode === 'D' || order.statusCode === 'X') continue;
    // The first customer's delivered orders are paid and its approved order is not, so its
    // history shows payments and a non-zero balance.
    const first = order.customerId === customers[0]!.id;
    addInvoice(order, first && order.statusCode === 'F' ? 'paid' : first && order.statusCode === 'A' ? 'unpaid' : 'random');
  }
  // Orphans on purpose: order numbers the ERP never issued and CRM references that do not exist.
  const orphanOrders = ['SO-990001', 'SO-990002', 'SO-990003'];
  const orphanRefs = ['cus_9901', 'cus_9902'];
  orphanOrders.forEach((number) => addInvoice({ number, customerId: customers[1]!.id, placedAt: iso(SEED_NOW - 90 * DAY), totalCents: 12345, currency: 'EUR' }, 'random'));
  // Orders that were never invoiced (drafts, cancellations) carry the orphan references, so
  // every order still has at most one invoice.
  const uninvoiced = orders.filter((order) => order.statusCode === 'D' || order.statusCode === 'X').slice(1);
  orphanRefs.forEach((ref, i) => addInvoice({ number: uninvoiced[i]!.number, customerId: ref, placedAt: iso(SEED_NOW - 60 * DAY), totalCents: 5000, currency: 'EUR' }, 'random'));
  const accounts: SeedAccount[] = customers.map((customer) => ({
    crmRef: customer.id,
    currency: CURRENCY_BY_COUNTRY[customer.country] ?? 'EUR',
    creditLimitCents: random.pick([500000, 1000000, 2500000, 5000000]),
  }));
  return { invoices, payments, accounts, orphans: { invoiceOrderNumbers: orphanOrders, invoiceCrmRefs: orphanRefs } };
}

function makeTickets(random: Random, count: number, customers: SeedCustomer[], orders: SeedOrder[]): { tickets: SeedTicket[]; orphanEmails: string[] } {
  const tickets: SeedTicket[] = [];
  const ordersByCustomer = new Map<string, SeedOrder[]>();
  for (const order of orders) ordersByCustomer.set(order.customerId, [...(ordersByCustomer.get(order.customerId) ?? []), order]);
  const statuses: TicketStatus[] = ['NEW', 'OPEN', 'OPEN', 'PENDING', 'SOLVED', 'CLOSED', 'CLOSED'];
  const priorities: TicketPriority[] = ['LOW', 'NORMAL', 'NORMAL', 'NORMAL', 'HIGH', 'URGENT'];
  const add = (email: string, customerOrders: SeedOrder[]) => {
    const createdMs = SEED_NOW - random.int(0, 365 * 24) * HOUR;
    const priority = random.pick(priorities);
    const order = customerOrders.length > 0 && random.chance(0.6) ? random.pick(customerOrders) : null;
    tickets.push({
      id: `tkt_${pad(tickets.length + 1, 5)}`,
      subject: random.pick(TICKET_SUBJECTS),
      description: order ? `About order ${order.number}.` : 'General question.',
      requesterEmail: email,
      orderNumber: order?.number ?? null,
      status: random.pick(statuses),
      priority,
      createdAt: iso(createdMs),
      slaDueAt: iso(createdMs + SLA_HOURS[priority] * HOUR),
    });
  };
  const first = customers[0]!;
  for (let i = 0; i < 3; i++) add(first.email, ordersByCustomer.get(first.id) ?? []);
  while (tickets.length < count - 2) {
    const customer = random.pick(customers);
    add(customer.email, ordersByCustomer.get(customer.id) ?? []);
  }
  const orphanEmails = ['former.buyer@gone.example', 'typo.adress@example.invalid'];
  orphanEmails.forEach((email) => add(email, []));
  return { tickets, orphanEmails };
}

export interface SeedOptions {
  seed?: number;
  /** Multiplies every count; 1 = 400 customers, 3,000 orders, 1,200 tickets. */
  scale?: number;
}

/** The whole data set for all five systems, consistent across them and identical on every run. */
export function generateDataset(options: SeedOptions = {}): Dataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  const random = createRandom(seed);
  const customers = makeCustomers(random, Math.max(5, Math.round(400 * scale)));
  const products = makeProducts(random, Math.max(10, Math.round(150 * scale)));
  const orders = makeOrders(random, Math.max(20, Math.round(3000 * scale)), customers, products);
  const billing = makeBilling(random, orders, customers);
  const { tickets, orphanEmails } = makeTickets(random, Math.max(10, Math.round(1200 * scale)), customers, orders);
  // Its own random stream: adding shipments changed nothing the other systems were seeded with.
  const logistics = makeShipments(createRandom((seed ^ 0x5b1b) >>> 0), orders, customers, SEED_NOW);
  return {
    seed,
    scale,
    customers,
    products,
    orders,
    tickets,
    shipments: logistics.shipments,
    invoices: billing.invoices,
    payments: billing.payments,
    accounts: billing.accounts,
    orphans: { ...billing.orphans, ticketRequesterEmails: orphanEmails, shipmentOrderNumbers: logistics.orphanOrderNumbers },
  };
}

/** Reads SEED and SEED_SCALE the same way in every process, so all systems agree. */
export function datasetFromEnv(env: Record<string, string | undefined>): Dataset {
  return generateDataset(readSeedOptions(env));
}

/** Validated SEED / SEED_SCALE; call at start-up so a bad value stops the process even when data exists. */
export function readSeedOptions(env: Record<string, string | undefined>): Required<SeedOptions> {
  return {
    seed: readInt(env, 'SEED', DEFAULT_SEED, { min: 0, max: 2 ** 31 - 1 }),
    scale: readNumber(env, 'SEED_SCALE', 1, { min: 0.01, max: 20 }),
  };
}
