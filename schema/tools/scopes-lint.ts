import type { Access, SupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { compareText } from './scopes-expr.js';

/**
 * Default-deny governance over a supergraph's policy. At run time the gateway serves a field
 * without a policy to anyone (it must serve other teams' supergraphs too), so our own schema may
 * never ship one: these rules are what keep "every field declared" true.
 */
export type LintRule = 'missing-policy' | 'unknown-scope';

export interface LintFinding {
  rule: LintRule;
  /** `Type.field`, or `Type` for a type-level directive. */
  coordinate: string;
  message: string;
}

export interface LintContext {
  /** Scope names the schema may require (DESIGN.md's table). */
  knownScopes: readonly string[];
}

function hasPolicy(access: Access): boolean {
  return access.authenticated || access.scopes.length > 0;
}

function scopeNames(access: Access): string[] {
  return [...new Set(access.scopes.flat(2))];
}

/** A field without `@authenticated`/`@requiresScopes` of its own or on the type it returns. */
export function missingPolicies(policy: SupergraphPolicy): LintFinding[] {
  return [...policy.fields.values()]
    .filter((field) => !hasPolicy(field.access))
    .map((field) => ({
      rule: 'missing-policy' as const,
      coordinate: field.coordinate,
      message: 'no policy: declare @requiresScopes or @authenticated on the field or on the type it returns',
    }));
}

/** A `@requiresScopes` naming a scope nobody is ever issued (a typo locks the field for good). */
export function unknownScopes(policy: SupergraphPolicy, context: LintContext): LintFinding[] {
  const known = new Set(context.knownScopes);
  const sites: Array<[string, Access]> = [
    ...policy.types.entries(),
    // A field that declares nothing only inherits its type's scopes, already reported at the type.
    ...[...policy.fields.values()].filter((field) => field.declared).map((field): [string, Access] => [field.coordinate, field.access]),
  ];
  return sites.flatMap(([coordinate, access]) =>
    scopeNames(access)
      .filter((scope) => !known.has(scope))
      .map((scope) => ({ rule: 'unknown-scope' as const, coordinate, message: `unknown scope "${scope}"` })),
  );
}

/** Every finding, sorted by coordinate then rule; empty means the policy is complete. */
export function lintPolicy(policy: SupergraphPolicy, context: LintContext): LintFinding[] {
  return [...missingPolicies(policy), ...unknownScopes(policy, context)].sort(
    (a, b) => compareText(a.coordinate, b.coordinate) || compareText(a.rule, b.rule) || compareText(a.message, b.message),
  );
}

export function formatFindings(findings: readonly LintFinding[], context: LintContext): string {
  const lines = findings.map((finding) => `${finding.coordinate}: ${finding.message}`);
  const unknown = findings.some((finding) => finding.rule === 'unknown-scope');
  if (unknown) lines.push(`known scopes: ${context.knownScopes.join(' ')}`);
  lines.push(`scopes lint: ${findings.length} problem${findings.length === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

export function formatSummary(policy: SupergraphPolicy): string {
  const types = new Set([...policy.fields.keys()].map((coordinate) => coordinate.slice(0, coordinate.indexOf('.'))));
  const scopes = new Set([...policy.fields.values(), ...[...policy.types.values()].map((access) => ({ access }))].flatMap(({ access }) => scopeNames(access)));
  return `scopes lint: ok, all ${policy.fields.size} fields of ${types.size} types declare a policy, ${scopes.size} scopes used, all known\n`;
}
