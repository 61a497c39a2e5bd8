import { readSupergraphPolicy, type SupergraphPolicy } from '../../../gateway/src/authz/policy.js';
import { compareText, requirementOf, type Requirement } from '../scopes-expr.js';

/**
 * How the access rule of each field changed between two composed supergraphs. Judged on who can
 * read the field, not on how the directives are spelled: a rewritten rule that admits exactly the
 * same callers is no change.
 */
export type PolicyDirection = 'narrowed' | 'widened' | 'changed';

export interface PolicyChange {
  /** `Type.field`, present in both supergraphs. */
  coordinate: string;
  before: Requirement;
  after: Requirement;
  /** narrowed: some callers lose access and none gains; widened: the reverse; changed: both. */
  direction: PolicyDirection;
  /** Classification tags (`pii`, `financial`) of the field in the new supergraph. */
  tags: string[];
}

/** A caller as far as a rule is concerned: signed in or not, and the scopes it holds. */
export interface Caller {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

export function satisfies(requirement: Requirement, caller: Caller): boolean {
  if ((requirement.authenticated || requirement.anyOf !== null) && !caller.authenticated) return false;
  if (requirement.anyOf === null) return true;
  return requirement.anyOf.some((set) => set.every((scope) => caller.scopes.has(scope)));
}

/**
 * The weakest callers a rule admits. Admission is monotone in the scopes held, so any caller that
 * passes `before` but fails `after` holds a superset of one of these that fails `after` too: testing
 * these alone decides whether anyone loses access.
 */
export function minimalCallers(requirement: Requirement): Caller[] {
  if (requirement.anyOf === null) return [{ authenticated: requirement.authenticated, scopes: new Set() }];
  return requirement.anyOf.map((set) => ({ authenticated: true, scopes: new Set(set) }));
}

/** The minimal callers of `before` that `after` refuses (anonymous callers are `[]` with authenticated false). */
export function callersLosingAccess(before: Requirement, after: Requirement): Caller[] {
  return minimalCallers(before).filter((caller) => !satisfies(after, caller));
}

export function directionOf(before: Requirement, after: Requirement): PolicyDirection | undefined {
  const narrowed = callersLosingAccess(before, after).length > 0;
  const widened = callersLosingAccess(after, before).length > 0;
  if (narrowed && widened) return 'changed';
  if (narrowed) return 'narrowed';
  if (widened) return 'widened';
  return undefined;
}

export function describeCaller(caller: Caller): string {
  if (!caller.authenticated) return 'anonymous callers';
  if (caller.scopes.size === 0) return 'any signed-in caller';
  return [...caller.scopes].sort(compareText).join(' AND ');
}

/** Fields whose access rule admits different callers; fields added or removed are not policy changes. */
export function diffPolicyObjects(before: SupergraphPolicy, after: SupergraphPolicy): PolicyChange[] {
  const changes: PolicyChange[] = [];
  for (const [coordinate, field] of after.fields) {
    const old = before.fields.get(coordinate);
    if (!old) continue;
    const oldRequirement = requirementOf(old.access);
    const newRequirement = requirementOf(field.access);
    const direction = directionOf(oldRequirement, newRequirement);
    if (direction) changes.push({ coordinate, before: oldRequirement, after: newRequirement, direction, tags: [...field.tags] });
  }
  return changes.sort((a, b) => compareText(a.coordinate, b.coordinate));
}

/** The policy changes between two supergraph SDLs; throws PolicyError when either policy cannot be read. */
export function diffPolicies(oldSupergraphSdl: string, newSupergraphSdl: string): PolicyChange[] {
  return diffPolicyObjects(readSupergraphPolicy(oldSupergraphSdl), readSupergraphPolicy(newSupergraphSdl));
}
