/** The seeded data set, shaped as each business system stores it (legacy codes, cents). */
export interface SeedCustomer {
  id: string;
  name: string;
  email: string;
  phone: string;
  segment: 'ENTERPRISE' | 'MID_MARKET' | 'SMB';
  country: string;
  accountManager: string;
  createdAt: string;
}

export interface SeedProduct {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

/** ERP legacy status codes: D draft, A approved, S shipped, F fulfilled (delivered), X cancelled. */
export type ErpStatusCode = 'D' | 'A' | 'S' | 'F' | 'X';

export interface SeedOrderLine {
  lineNo: number;
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface SeedOrder {
  id: string;
  number: string;
  customerId: string;
  statusCode: ErpStatusCode;
  placedAt: string;
  currency: string;
  totalCents: number;
  lines: SeedOrderLine[];
}

/** Billing legacy status codes: O open, P paid, D overdue (delinquent), V void. */
export type BillingStatusCode = 'O' | 'P' | 'D' | 'V';

export interface SeedInvoice {
  id: string;
  number: string;
  /** ERP order number (no foreign key: billing is its own database). */
  orderNumber: string;
  /** CRM reference; the same value as Customer.id. */
  crmRef: string;
  statusCode: BillingStatusCode;
  issuedOn: string;
  dueOn: string;
  amountCents: number;
  currency: string;
}

/** Billing legacy method codes: CC card, BT bank transfer, DD direct debit, CK cheque. */
export type PaymentMethodCode = 'CC' | 'BT' | 'DD' | 'CK';

export interface SeedPayment {
  id: string;
  invoiceId: string;
  amountCents: number;
  paidAt: string;
  methodCode: PaymentMethodCode;
}

export interface SeedAccount {
  crmRef: string;
  currency: string;
  creditLimitCents: number;
}

export type TicketStatus = 'NEW' | 'OPEN' | 'PENDING' | 'SOLVED' | 'CLOSED';
export type TicketPriority = 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';

export interface SeedTicket {
  id: string;
  subject: string;
  description: string;
  requesterEmail: string;
  orderNumber: string | null;
  status: TicketStatus;
  priority: TicketPriority;
  createdAt: string;
  slaDueAt: string;
}

export type ShipmentStatus = 'LABEL_CREATED' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION';

/** One carrier scan of a shipment. */
export interface SeedShipmentEvent {
  status: ShipmentStatus;
  at: string;
  location: string | null;
}

export interface SeedShipment {
  id: string;
  trackingNumber: string;
  carrier: string;
  status: ShipmentStatus;
  shippedAt: string | null;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  /** ERP order number (the logistics system has no link to the ERP beyond it). */
  orderNumber: string;
  /** CRM customer id the shipment goes to; the portal's row-level rule matches it. */
  customerId: string;
  /** Oldest first. */
  events: SeedShipmentEvent[];
}

/** References that point nowhere, seeded on purpose so integrity checks have something to find. */
export interface SeedOrphans {
  invoiceOrderNumbers: string[];
  invoiceCrmRefs: string[];
  ticketRequesterEmails: string[];
  /** Order numbers of shipments the ERP never issued. */
  shipmentOrderNumbers: string[];
}

export interface Dataset {
  seed: number;
  scale: number;
  customers: SeedCustomer[];
  products: SeedProduct[];
  orders: SeedOrder[];
  invoices: SeedInvoice[];
  payments: SeedPayment[];
  accounts: SeedAccount[];
  tickets: SeedTicket[];
  shipments: SeedShipment[];
  orphans: SeedOrphans;
}
