import { readSupergraphPolicy } from '../../../../gateway/src/authz/policy.js';
import { lintPolicy } from '../../scopes-lint.js';
import type { Finding, RuleInput } from '../types.js';

/**
 * Default deny: every field declares @requiresScopes or @authenticated (its own or its returned
 * type's) and names only scopes someone is issued. Same rules as `npm run scopes -- lint`.
 */
export function policyCoverage(input: RuleInput): Finding[] {
  return lintPolicy(readSupergraphPolicy(input.supergraphSdl), { knownScopes: input.knownScopes }).map((finding) => ({
    severity: 'error' as const,
    rule: finding.rule === 'missing-policy' ? 'default-deny' : 'unknown-scope',
    coordinate: finding.coordinate,
    message: finding.message,
  }));
}
