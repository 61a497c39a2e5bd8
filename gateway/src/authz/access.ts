import { isInterfaceType, isObjectType, type GraphQLCompositeType, type GraphQLSchema } from 'graphql';
import type { GatewayPrincipal } from '../context.js';
import { allows, NO_REQUIREMENT, type Access, type PrincipalScopes, type SupergraphPolicy } from './policy.js';

/** What the policy knows about a caller: anonymous (`null`) is unauthenticated with no scopes. */
export function principalScopes(principal: GatewayPrincipal | null): PrincipalScopes {
  return principal ? { authenticated: true, scopes: new Set(principal.scopes) } : { authenticated: false, scopes: new Set() };
}

/** Every scope the policy mentions: a caller's other scopes cannot change a decision. */
export function policyScopes(policy: SupergraphPolicy): ReadonlySet<string> {
  const scopes = new Set<string>();
  const add = (access: Access) => access.scopes.forEach((alternatives) => alternatives.forEach((allOf) => allOf.forEach((scope) => scopes.add(scope))));
  policy.fields.forEach((field) => add(field.access));
  policy.types.forEach(add);
  return scopes;
}

/**
 * The key under which decisions for this caller are cached: authenticated or not, plus the
 * policy's scopes the caller holds (sorted), so callers with equal rights share rewrites.
 */
export function principalKey(principal: PrincipalScopes, relevant: ReadonlySet<string>): string {
  const held = [...principal.scopes].filter((scope) => relevant.has(scope)).sort();
  return `${principal.authenticated ? 'auth' : 'anon'}:${held.join(' ')}`;
}

export interface AccessChecker {
  /**
   * The runtime types among `candidates` (object types the value at this position may have) on
   * which the caller may not read `field` selected on `parent`.
   */
  deniedOn(parent: GraphQLCompositeType, field: string, candidates: ReadonlySet<string>): string[];
}

/**
 * Decides field access for one caller, per runtime type: a field selected on an interface is
 * read from the implementation the value turns out to be, so each implementation's field and
 * type-level policy decides for its own objects. Composition (Federation 2.9+) forbids policies
 * on interfaces and derives the interface field's from its implementations; an interface policy
 * stricter than every implementation (declared by hand or by an older composer) still denies all.
 */
export function createAccessChecker(policy: SupergraphPolicy, schema: GraphQLSchema, principal: PrincipalScopes): AccessChecker {
  const decisions = new Map<string, boolean>();
  const allowedOn = (typeName: string, field: string): boolean => {
    const coordinate = `${typeName}.${field}`;
    let allowed = decisions.get(coordinate);
    if (allowed === undefined) {
      const fieldAccess = policy.fields.get(coordinate)?.access ?? NO_REQUIREMENT;
      const typeAccess = policy.types.get(typeName) ?? NO_REQUIREMENT;
      allowed = allows(fieldAccess, principal) && allows(typeAccess, principal);
      decisions.set(coordinate, allowed);
    }
    return allowed;
  };
  return {
    deniedOn(parent, field, candidates) {
      if (isObjectType(parent)) return allowedOn(parent.name, field) ? [] : [...candidates];
      if (!isInterfaceType(parent)) return [];
      const stricterThanAll = !allowedOn(parent.name, field) && schema.getPossibleTypes(parent).every((type) => allowedOn(type.name, field));
      return [...candidates].filter((type) => stricterThanAll || !allowedOn(type, field));
    },
  };
}
