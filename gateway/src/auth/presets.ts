/**
 * The scopes of DESIGN.md's table and the development presets built from them: the one list that
 * `npm run token` signs, `npm run scopes -- explain --preset` explains and `scopes lint` checks
 * scope names against, so the three never disagree.
 */

/** Every scope the schema may require (DESIGN.md "Scopes and classification"). */
export const SCOPES = [
  'crm:read',
  'crm:write',
  'pii:read',
  'erp:read',
  'erp:write',
  'billing:read',
  'billing:write',
  'finance:read',
  'support:read',
  'support:write',
  'logistics:read',
  'logistics:write',
  'schema:introspect',
] as const;

export type Scope = (typeof SCOPES)[number];

export interface Preset {
  /** One line for help texts. */
  description: string;
  scopes: readonly Scope[];
  /** Carries `customer_id` and `email` claims, so the owning subgraphs return only that customer's rows. */
  customerBound: boolean;
}

export type PresetName = 'sales' | 'finance' | 'support' | 'admin' | 'portal';

/** The customer a `portal` token is for when no `--customer` is given: the first seeded customer. */
export const DEFAULT_PORTAL_CUSTOMER = 'cus_0001';

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  sales: {
    description: 'customer basics, orders, shipments and tickets; no personal data, no billing',
    scopes: ['crm:read', 'erp:read', 'support:read', 'logistics:read'],
    customerBound: false,
  },
  finance: {
    description: 'customers, orders, invoices, payments, balances and credit limits',
    scopes: ['crm:read', 'erp:read', 'billing:read', 'finance:read'],
    customerBound: false,
  },
  support: {
    description: 'customers with contact data, orders, shipments, tickets; opens and updates tickets',
    scopes: ['crm:read', 'pii:read', 'erp:read', 'support:read', 'support:write', 'logistics:read'],
    customerBound: false,
  },
  admin: {
    description: 'every scope, including schema:introspect',
    scopes: SCOPES,
    customerBound: false,
  },
  portal: {
    description: "one customer's own records (customer_id and email claims)",
    scopes: ['crm:read', 'pii:read', 'erp:read', 'billing:read', 'finance:read', 'support:read', 'support:write', 'logistics:read'],
    customerBound: true,
  },
};

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}
