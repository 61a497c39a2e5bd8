import { isSpecifiedScalarType } from 'graphql';
import { apiSchemaOf } from '../lib/api-schema.js';
import { diffPolicies, type PolicyChange } from '../lib/policy-diff.js';
import { diffSupergraphs, type Criticality, type SchemaChange } from '../lib/semantic-diff.js';
import { formatScopes, type Requirement } from '../scopes-expr.js';
import type { Commit, FileHistory } from './git.js';

/**
 * One section of the changelog: a commit that changed the supergraph (or the uncommitted working
 * tree), and what changed for consumers compared with the version before it.
 */
export type Comparison =
  | { kind: 'diff'; changes: SchemaChange[]; policy: PolicyChange[]; policyError?: string }
  | { kind: 'first'; types: number; fields: number; truncated: boolean }
  | { kind: 'removed' }
  | { kind: 'unreadable'; error: string; truncated: boolean }
  | { kind: 'incomparable'; error: string };

export interface Section {
  /** Undefined for the working tree's uncommitted version. */
  commit?: Commit;
  comparison: Comparison;
}

/** Counts of the API schema's named types (built-ins aside) and of their fields, for a first version. */
function summarise(sdl: string): { types: number; fields: number } {
  const types = Object.values(apiSchemaOf(sdl).getTypeMap()).filter((type) => !type.name.startsWith('__') && !isSpecifiedScalarType(type));
  return { types: types.length, fields: types.reduce((sum, type) => sum + ('getFields' in type ? Object.keys(type.getFields()).length : 0), 0) };
}

async function compare(before: string | undefined, after: string | undefined, truncated: boolean): Promise<Comparison> {
  if (after === undefined) return { kind: 'removed' };
  if (before === undefined) {
    try {
      return { kind: 'first', ...summarise(after), truncated };
    } catch (error) {
      return { kind: 'unreadable', error: firstLine(error), truncated };
    }
  }
  let changes: SchemaChange[];
  try {
    // Old supergraphs may predate what apiSchemaOf accepts: report, do not crash.
    changes = await diffSupergraphs(before, after);
  } catch (error) {
    return { kind: 'incomparable', error: firstLine(error) };
  }
  try {
    return { kind: 'diff', changes, policy: diffPolicies(before, after) };
  } catch (error) {
    // The schema diff still stands when only the policy of one version cannot be read.
    return { kind: 'diff', changes, policy: [], policyError: firstLine(error) };
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** Every section, newest first: the working tree (when it differs from HEAD), then each commit. */
export async function buildSections(history: FileHistory, workingTree: string | undefined): Promise<Section[]> {
  const sections: Section[] = [];
  const head = history.contentAt('HEAD');
  if (workingTree !== head) sections.push({ comparison: await compare(head, workingTree, false) });
  const shallow = history.isShallow();
  for (const commit of history.commits()) {
    const hasParent = history.hasParent(commit.hash);
    const before = hasParent ? history.contentAt(`${commit.hash}^`) : undefined;
    sections.push({ commit, comparison: await compare(before, history.contentAt(commit.hash), !hasParent && shallow) });
  }
  return sections;
}

const HEADINGS: Record<Criticality, string> = { breaking: 'Breaking', dangerous: 'Dangerous', safe: 'Safe' };

function describeRequirement(requirement: Requirement): string {
  if (requirement.anyOf !== null) return `\`${formatScopes(requirement.anyOf)}\``;
  return requirement.authenticated ? 'any signed-in caller' : 'public';
}

function renderComparison(comparison: Comparison): string[] {
  switch (comparison.kind) {
    case 'first':
    case 'unreadable': {
      const lines = comparison.truncated ? ['History truncated (shallow clone): earlier versions are not available here, so this version is summarised.', ''] : [];
      if (comparison.kind === 'unreadable') return [...lines, `First version: could not be read (${comparison.error}).`];
      return [...lines, `First version: ${comparison.types} types, ${comparison.fields} fields.`];
    }
    case 'removed':
      return ['The supergraph was removed.'];
    case 'incomparable':
      return [`Could not be compared with the previous version: ${comparison.error}`];
    case 'diff':
      return renderDiff(comparison.changes, comparison.policy, comparison.policyError);
  }
}

function renderDiff(changes: readonly SchemaChange[], policy: readonly PolicyChange[], policyError?: string): string[] {
  if (changes.length === 0 && policy.length === 0 && !policyError) return ['No change to the API schema or its policy (composition metadata only).'];
  const counts = (['breaking', 'dangerous', 'safe'] as const).map((level) => `${changes.filter((change) => change.criticality === level).length} ${level}`);
  const policyCount = policyError ? `policy could not be compared (${policyError})` : `${policy.length} policy change${policy.length === 1 ? '' : 's'}`;
  const lines = [`${counts.join(', ')}; ${policyCount}.`];
  for (const level of ['breaking', 'dangerous', 'safe'] as const) {
    const selected = changes.filter((change) => change.criticality === level);
    if (selected.length === 0) continue;
    lines.push('', `### ${HEADINGS[level]}`, '');
    lines.push(...selected.map((change) => `- ${change.path ? `\`${change.path}\`: ` : ''}${change.message.replace(/\s*\n\s*/g, ' ')}`));
  }
  if (policy.length > 0) {
    lines.push('', '### Policy', '');
    lines.push(
      ...policy.map(
        (change) =>
          `- \`${change.coordinate}\` ${change.direction}: ${describeRequirement(change.before)} → ${describeRequirement(change.after)}${change.tags.length ? ` (${change.tags.join(', ')})` : ''}`,
      ),
    );
  }
  return lines;
}

export const CHANGELOG_NOTE =
  'Generated by `npm run changelog` from the git history of `schema/supergraph.graphql`, newest first; do not edit by hand. Each entry is the semantic diff of the API schema against the version before it (breaking, dangerous, safe) and the fields whose required scopes narrowed or widened.';

export function renderChangelog(sections: readonly Section[]): string {
  const lines = ['# Supergraph changelog', '', CHANGELOG_NOTE, ''];
  if (sections.length === 0) lines.push('No committed version of `schema/supergraph.graphql` yet.', '');
  for (const section of sections) {
    const heading = section.commit ? `${section.commit.date} · \`${section.commit.shortHash}\` · ${section.commit.subject}` : 'Unreleased (working tree)';
    lines.push(`## ${heading}`, '', ...renderComparison(section.comparison), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
