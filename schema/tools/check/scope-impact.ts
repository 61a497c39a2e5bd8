import { PRESETS, type PresetName } from '../../../gateway/src/auth/presets.js';
import { callersLosingAccess, describeCaller, satisfies, type PolicyChange } from '../lib/policy-diff.js';
import { formatScopes, type Requirement } from '../scopes-expr.js';
import { describeOperation, type KnownOperation } from './consumers.js';
import type { Finding } from './types.js';

const REVIEW_TAGS = ['pii', 'financial'];

export function describeRequirement(requirement: Requirement): string {
  if (requirement.anyOf !== null) return formatScopes(requirement.anyOf);
  return requirement.authenticated ? 'sign-in only' : 'nothing (public)';
}

/** Development presets (presets.ts) that `from` admits and `to` refuses. */
export function presetsLosing(from: Requirement, to: Requirement): PresetName[] {
  return (Object.keys(PRESETS) as PresetName[]).filter((name) => {
    const caller = { authenticated: true, scopes: new Set<string>(PRESETS[name].scopes) };
    return satisfies(from, caller) && !satisfies(to, caller);
  });
}

const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : 'none');

/**
 * Who gains or loses a field under the proposed policy. Each known operation selecting a narrowed
 * field fails: its clients may lose data they read today. Widened fields are warnings, marked for
 * security review when the field is classified pii or financial.
 */
export function scopeImpact(changes: readonly PolicyChange[], operations: readonly KnownOperation[]): Finding[] {
  const findings: Finding[] = [];
  for (const change of changes) {
    const rule = `now requires ${describeRequirement(change.after)} (before: ${describeRequirement(change.before)})`;
    if (change.direction !== 'widened') {
      const losing = `presets losing access: ${list(presetsLosing(change.before, change.after))}; scope sets losing access: ${list(callersLosingAccess(change.before, change.after).map(describeCaller))}`;
      const users = operations.filter((operation) => operation.fields.includes(change.coordinate));
      for (const operation of users) {
        findings.push({ severity: 'error', rule: 'scope-impact', coordinate: change.coordinate, message: `${describeOperation(operation)} loses access: ${rule}; ${losing}` });
      }
      if (users.length === 0)
        findings.push({
          severity: 'warning',
          rule: 'scope-impact',
          coordinate: change.coordinate,
          message: `${change.direction}, no known operation selects it: ${rule}; ${losing}`,
        });
    }
    if (change.direction !== 'narrowed') {
      const review = change.tags.filter((tag) => REVIEW_TAGS.includes(tag));
      const gaining = `presets gaining access: ${list(presetsLosing(change.after, change.before))}; newly admitted: ${list(callersLosingAccess(change.after, change.before).map(describeCaller))}`;
      const prefix = review.length > 0 ? `security review (${review.join(', ')}): ` : '';
      findings.push({ severity: 'warning', rule: 'scope-impact', coordinate: change.coordinate, message: `${prefix}${change.direction}: ${rule}; ${gaining}` });
    }
  }
  return findings;
}
