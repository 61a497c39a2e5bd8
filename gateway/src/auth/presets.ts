import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { nearestName } from '../../../common/nearest-name.js';
import { projectPath } from '../../../common/project-root.js';

/**
 * The scopes of DESIGN.md's table and the development presets built from them: the one list that
 * `npm run token` signs, `npm run scopes -- explain --preset` explains and `scopes lint` checks
 * scope names against, so the three never disagree.
 */

/**
 * Scopes no one subgraph owns: classifications (`@tag(name: "pii" | "financial")`), the gateway's
 * own, and operations across systems (issue 17): `ops:read` the process view (`Order.fulfillment`
 * with its diagnostics, `stuckProcesses`), `ops:write` the replay of dead-lettered events.
 */
const CROSS_CUTTING_SCOPES = ['pii:read', 'finance:read', 'schema:introspect', 'governance:read', 'ops:read', 'ops:write'] as const;

/**
 * Every subgraph registered in `schema/supergraph.yaml` owns `<name>:read` and `<name>:write`, so a
 * subgraph added there (by `npm run new:subgraph`) brings its scopes with no edit here. Derived from
 * the registry, not from the scopes the SDLs happen to name: `scopes lint` must still catch a typo.
 */
export function subgraphScopes(supergraphYaml: string): string[] {
  const config = YAML.parse(supergraphYaml) as { subgraphs?: Record<string, unknown> } | null;
  return Object.keys(config?.subgraphs ?? {}).flatMap((name) => [`${name}:read`, `${name}:write`]);
}

/** Every scope the schema may require (DESIGN.md "Scopes and classification"). */
export const SCOPES: readonly string[] = [...subgraphScopes(readFileSync(projectPath('schema/supergraph.yaml'), 'utf8')), ...CROSS_CUTTING_SCOPES];

export type Scope = string;

/**
 * Why a list a person typed names a scope no field requires, or undefined when every name is known:
 * a typo (`crm:reed`) would otherwise mint a token, or explain an access, that silently lacks it.
 */
export function unknownScopeMessage(scopes: readonly string[]): string | undefined {
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope));
  if (unknown.length === 0) return undefined;
  const named = unknown.map((scope) => {
    const nearest = nearestName(scope, SCOPES);
    return nearest === undefined ? `"${scope}"` : `"${scope}" (did you mean "${nearest}"?)`;
  });
  return `unknown scope${unknown.length > 1 ? 's' : ''} ${named.join(', ')}; known scopes: ${SCOPES.join(' ')}`;
}

export interface Preset {
  /** One line for help texts. */
  description: string;
  scopes: readonly Scope[];
  /** Carries `customer_id` and `email` claims, so the owning subgraphs return only that customer's rows. */
  customerBound: boolean;
}

export type PresetName = 'sales' | 'finance' | 'support' | 'reporting' | 'operations' | 'admin' | 'portal';

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
  reporting: {
    description: 'every read a management report needs (aggregates, finance data); no personal data, no writes',
    scopes: ['crm:read', 'erp:read', 'billing:read', 'finance:read', 'support:read', 'logistics:read'],
    customerBound: false,
  },
  operations: {
    description: 'where each order stands across systems (process view, stuck processes) and the replay of dead-lettered events',
    scopes: ['crm:read', 'erp:read', 'billing:read', 'logistics:read', 'ops:read', 'ops:write'],
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
