/**
 * The references a write makes into another system's records, and what happens when that system
 * cannot be asked. The gateway checks each one before the write is sent (`gateway/src/references/`):
 * a value the target system does not know is refused (BAD_USER_INPUT naming the input field), so the
 * owning system never stores an orphan that `npm run integrity` would later report. The catalog
 * lists them with their policy.
 */
export interface WriteReference {
  /** The same name `npm run integrity` reports the reference under, e.g. `order.customer`. */
  name: string;
  /** The mutation (a root field of `Mutation`) that writes it. */
  mutation: string;
  /** Where the referenced key sits in the mutation's arguments, e.g. `input.customerId`. */
  argument: string;
  /** The entity the value must name, in the subgraph that owns it. */
  target: { subgraph: string; type: string; key: string };
  /**
   * When the target cannot be asked (down, timing out, breaker open): `reject` refuses the write
   * with UPSTREAM_ERROR naming the target system, nothing written; `accept-pending` writes it, marks
   * the reference unverified (`extensions.unverifiedReferences`, the gateway's pending list), checks
   * it again once the target answers, and `npm run integrity` lists it until it is confirmed.
   */
  whenUnavailable: 'reject' | 'accept-pending';
  /**
   * Scopes that read both sides of the reference: a caller holding them may list its pending
   * (unverified) entries at `GET /references/pending`, and the gateway's re-check asks the target
   * with exactly these.
   */
  readScopes: readonly string[];
}

export const WRITE_REFERENCES: readonly WriteReference[] = [
  // An order reserves stock and is billed: one for a customer nobody can confirm is not taken.
  {
    name: 'order.customer',
    mutation: 'createOrder',
    argument: 'input.customerId',
    target: { subgraph: 'crm', type: 'Customer', key: 'id' },
    whenUnavailable: 'reject',
    readScopes: ['crm:read', 'erp:read'],
  },
  // A customer's complaint does not wait for the ERP: the ticket is opened and its order checked later.
  {
    name: 'ticket.order',
    mutation: 'openTicket',
    argument: 'input.orderNumber',
    target: { subgraph: 'erp', type: 'Order', key: 'number' },
    whenUnavailable: 'accept-pending',
    readScopes: ['erp:read', 'support:read'],
  },
  // An invoice demands money: one for an order or a customer nobody can confirm is not sent.
  {
    name: 'invoice.order',
    mutation: 'issueInvoice',
    argument: 'input.orderNumber',
    target: { subgraph: 'erp', type: 'Order', key: 'number' },
    whenUnavailable: 'reject',
    readScopes: ['billing:read', 'erp:read'],
  },
  {
    name: 'invoice.customer',
    mutation: 'issueInvoice',
    argument: 'input.customerId',
    target: { subgraph: 'crm', type: 'Customer', key: 'id' },
    whenUnavailable: 'reject',
    readScopes: ['billing:read', 'crm:read'],
  },
];
