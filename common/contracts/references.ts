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
   * with UPSTREAM_ERROR naming the target system; nothing is written.
   */
  whenUnavailable: 'reject';
}

export const WRITE_REFERENCES: readonly WriteReference[] = [
  { name: 'order.customer', mutation: 'createOrder', argument: 'input.customerId', target: { subgraph: 'crm', type: 'Customer', key: 'id' }, whenUnavailable: 'reject' },
  { name: 'ticket.order', mutation: 'openTicket', argument: 'input.orderNumber', target: { subgraph: 'erp', type: 'Order', key: 'number' }, whenUnavailable: 'reject' },
];
