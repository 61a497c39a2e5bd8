/**
 * The cross-system references `npm run integrity` checks, as data: adding a system's reference is
 * one more entry. Each entry pages a root connection of the source system through the gateway and
 * selects the reference twice on every node:
 *
 * - `reference { value: <referenceKey> }`: the raw value as the source system stores it. The
 *   field is the entity's key, so the query planner takes it from the source subgraph's own stub
 *   and never asks the target.
 * - `target { resolved: <targetField> }`: a non-null field only the target system resolves. When
 *   the target does not know the key, its `_entities` answer is null, the gateway cannot complete
 *   the non-null field and the whole `target` object comes back null: an orphan.
 */
export interface ReferenceSpec {
  /** Stable name, also the `reference` metric label, e.g. `invoice.order`. */
  name: string;
  /** What the reference means, for the report. */
  description: string;
  /** System that stores the reference (`extensions.system` of its errors). */
  source: string;
  /** System the reference points into. */
  target: string;
  /** Root connection of the source listing every record that may hold the reference. */
  connection: string;
  /** Field of a source record naming it in reports, e.g. the invoice number. */
  sourceKey: string;
  /** Field of the source record holding the reference (an entity of the target). */
  referenceField: string;
  /** Key field of the referenced entity the source system itself provides. */
  referenceKey: string;
  /** Non-null field of the referenced entity only the target system resolves. */
  targetField: string;
  /** Scopes the default token needs to read all of the above. */
  scopes: readonly string[];
}

export const REFERENCES: readonly ReferenceSpec[] = [
  {
    name: 'invoice.order',
    description: "billing invoices' ERP order numbers",
    source: 'billing',
    target: 'erp',
    connection: 'invoices',
    sourceKey: 'number',
    referenceField: 'order',
    referenceKey: 'number',
    targetField: 'id',
    scopes: ['billing:read', 'erp:read'],
  },
  {
    name: 'invoice.customer',
    description: "billing invoices' CRM references",
    source: 'billing',
    target: 'crm',
    connection: 'invoices',
    sourceKey: 'number',
    referenceField: 'customer',
    referenceKey: 'id',
    targetField: 'name',
    scopes: ['billing:read', 'crm:read'],
  },
  {
    name: 'order.customer',
    description: "ERP orders' CRM customer ids",
    source: 'erp',
    target: 'crm',
    connection: 'orders',
    sourceKey: 'number',
    referenceField: 'customer',
    referenceKey: 'id',
    targetField: 'name',
    scopes: ['erp:read', 'crm:read'],
  },
  {
    name: 'ticket.requester',
    description: "support tickets' requester emails, matched in the CRM",
    source: 'support',
    target: 'crm',
    connection: 'tickets',
    sourceKey: 'id',
    referenceField: 'customer',
    // Customer.email needs pii:read: the requester's address is personal data.
    referenceKey: 'email',
    targetField: 'id',
    scopes: ['support:read', 'crm:read', 'pii:read'],
  },
  {
    name: 'ticket.order',
    description: "support tickets' ERP order numbers (tickets without an order hold no reference)",
    source: 'support',
    target: 'erp',
    connection: 'tickets',
    sourceKey: 'id',
    referenceField: 'order',
    referenceKey: 'number',
    targetField: 'id',
    scopes: ['support:read', 'erp:read'],
  },
  {
    name: 'shipment.order',
    description: "logistics shipments' ERP order numbers",
    source: 'logistics',
    target: 'erp',
    connection: 'shipments',
    sourceKey: 'id',
    referenceField: 'order',
    referenceKey: 'number',
    targetField: 'id',
    scopes: ['logistics:read', 'erp:read'],
  },
];

/** Every scope the given references need, sorted (the default token carries exactly these). */
export function scopesFor(references: readonly ReferenceSpec[]): string[] {
  return [...new Set(references.flatMap((reference) => reference.scopes))].sort();
}
