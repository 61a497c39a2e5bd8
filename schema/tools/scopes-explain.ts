import { allows, type SupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { compareText, formatScopes, missingScopes, requirementOf } from './scopes-expr.js';

/**
 * "What can this token see": every field of the policy split into what the principal may read,
 * may write (Mutation fields) and may not, with what is missing. The same `allows` the gateway
 * enforces with decides, so the explanation cannot drift from enforcement.
 */
export interface ExplainPrincipal {
  /** Where the principal came from, e.g. `preset sales` or `--scopes`. */
  origin: string;
  authenticated: boolean;
  scopes: string[];
  subject?: string;
  customerId?: string;
  email?: string;
  /** Caveats printed with the explanation (e.g. that a token was decoded, not verified). */
  notes: string[];
}

export interface DeniedField {
  coordinate: string;
  /** The caller has no token at all, and the field needs one. */
  authentication: boolean;
  /** Any one of these sets would grant it; null when no scope is missing (only authentication). */
  missing: string[][] | null;
}

export interface Explanation {
  /** Readable fields by type (Mutation excluded), both sorted. */
  read: Record<string, string[]>;
  /** Mutations the principal may call. */
  write: string[];
  deniedReads: DeniedField[];
  deniedWrites: DeniedField[];
}

const WRITE_TYPE = 'Mutation';

export function explainAccess(policy: SupergraphPolicy, principal: Pick<ExplainPrincipal, 'authenticated' | 'scopes'>): Explanation {
  const held = new Set(principal.scopes);
  const read: Record<string, string[]> = {};
  const write: string[] = [];
  const deniedReads: DeniedField[] = [];
  const deniedWrites: DeniedField[] = [];
  const fields = [...policy.fields.values()].sort((a, b) => compareText(a.coordinate, b.coordinate));
  for (const field of fields) {
    const dot = field.coordinate.indexOf('.');
    const type = field.coordinate.slice(0, dot);
    const name = field.coordinate.slice(dot + 1);
    const isWrite = type === WRITE_TYPE;
    if (allows(field.access, { authenticated: principal.authenticated, scopes: held })) {
      if (isWrite) write.push(name);
      else (read[type] ??= []).push(name);
      continue;
    }
    const denied: DeniedField = {
      coordinate: field.coordinate,
      authentication: field.access.authenticated && !principal.authenticated,
      missing: missingScopes(requirementOf(field.access), held),
    };
    (isWrite ? deniedWrites : deniedReads).push(denied);
  }
  return { read, write, deniedReads, deniedWrites };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function reason(denied: DeniedField): string {
  const parts: string[] = [];
  if (denied.authentication) parts.push('a token');
  if (denied.missing) parts.push(formatScopes(denied.missing));
  return `missing ${parts.join(' and ')}`;
}

function deniedLines(denied: readonly DeniedField[]): string[] {
  const width = Math.max(0, ...denied.map((field) => field.coordinate.length));
  return denied.map((field) => `  ${field.coordinate.padEnd(width)}  ${reason(field)}`);
}

export function describePrincipal(principal: ExplainPrincipal): string[] {
  const lines = [`principal: ${principal.origin}`];
  lines.push(principal.authenticated ? `  scopes: ${principal.scopes.join(' ') || '(none)'}` : '  anonymous (no token)');
  if (principal.subject !== undefined) lines.push(`  subject: ${principal.subject}`);
  if (principal.customerId !== undefined) lines.push(`  customer_id: ${principal.customerId}`);
  if (principal.email !== undefined) lines.push(`  email: ${principal.email}`);
  if (principal.customerId !== undefined || principal.email !== undefined) {
    lines.push("  row-level: the owning subgraphs return only this customer's records");
  }
  return [...lines, ...principal.notes.map((note) => `  NOTE: ${note}`)];
}

export function formatExplanation(principal: ExplainPrincipal, explanation: Explanation): string {
  const readCount = Object.values(explanation.read).reduce((sum, names) => sum + names.length, 0);
  const lines = [...describePrincipal(principal), ''];
  lines.push(`can read (${count(readCount, 'field')}):`);
  for (const type of Object.keys(explanation.read).sort(compareText)) lines.push(`  ${type}: ${explanation.read[type]!.join(' ')}`);
  lines.push('', `can write (${count(explanation.write.length, 'mutation')}):`);
  if (explanation.write.length > 0) lines.push(`  ${WRITE_TYPE}: ${explanation.write.join(' ')}`);
  lines.push('', `cannot read (${count(explanation.deniedReads.length, 'field')}):`, ...deniedLines(explanation.deniedReads));
  lines.push('', `cannot write (${count(explanation.deniedWrites.length, 'mutation')}):`, ...deniedLines(explanation.deniedWrites));
  lines.push('', 'A field is reached through fields returning its type: those must be readable too.');
  return `${lines.join('\n')}\n`;
}

export function explanationJson(principal: ExplainPrincipal, explanation: Explanation): string {
  return `${JSON.stringify({ principal, ...explanation }, null, 2)}\n`;
}
