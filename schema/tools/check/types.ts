import type { SubgraphOwner } from '../lib/owners.js';

/** error: fails the check (exit 1); warning: reported, passes; info: context only (semantic diff lines). */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** Which rule or section produced it, e.g. `descriptions`, `consumer-impact`. */
  rule: string;
  /** Schema coordinate (`Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`) or `subgraph:NAME`. */
  coordinate: string;
  message: string;
  /** Subgraphs contributing the coordinate; filled in by the runner when a rule leaves it out. */
  subgraphs?: string[];
}

/** One reviewed exception to "one subgraph resolves each non-key field" (schema/shareable.yaml). */
export interface ShareableEntry {
  /** `Type.field`, or `Type` for a value type every subgraph shares whole (e.g. PageInfo). */
  coordinate: string;
  reason?: string;
  approvedBy?: string;
}

/** Everything a lint rule may read. Rules are pure: same input, same findings. */
export interface RuleInput {
  /** The composed supergraph being checked, policy and join directives included. */
  supergraphSdl: string;
  /** `YYYY-MM-DD`, the day removal dates are judged against. */
  today: string;
  /** Scopes the schema may require (gateway/src/auth/presets.ts). */
  knownScopes: readonly string[];
  shareable: readonly ShareableEntry[];
  /** schema/owners.yaml as readOwners returns it, or why it could not be read. */
  owners: Record<string, SubgraphOwner> | { error: string };
  /** Subgraphs whose ownership entry is checked (the composed ones). */
  subgraphs: readonly string[];
}

export type Rule = (input: RuleInput) => Finding[];

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
