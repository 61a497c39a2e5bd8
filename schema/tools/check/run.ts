import { parse } from 'graphql';
import { SCOPES } from '../../../gateway/src/auth/presets.js';
import type { UsageRecord } from '../../../common/usage/types.js';
import type { PersistedOperation } from '../../../gateway/src/persisted/manifest.js';
import { composeSupergraph, type SubgraphEntry } from '../compose.js';
import type { SubgraphOwner } from '../lib/owners.js';
import { diffPolicies } from '../lib/policy-diff.js';
import { diffSupergraphs, type SchemaChange } from '../lib/semantic-diff.js';
import { consumerImpact } from './consumer-impact.js';
import { knownOperations } from './consumers.js';
import { deprecations } from './rules/deprecations.js';
import { descriptions } from './rules/descriptions.js';
import { listSizes } from './rules/list-sizes.js';
import { naming } from './rules/naming.js';
import { ownership } from './rules/ownership.js';
import { policyCoverage } from './rules/policy-coverage.js';
import { singleSource } from './rules/single-source.js';
import { scopeImpact } from './scope-impact.js';
import { apiSchemaOf } from '../lib/api-schema.js';
import { contributorMap, contributorsOf } from '../lib/supergraph-sdl.js';
import { SEVERITY_ORDER, type Finding, type Rule, type ShareableEntry } from './types.js';

export const RULES: Readonly<Record<string, Rule>> = { policyCoverage, descriptions, deprecations, naming, singleSource, ownership, listSizes };

export interface CheckInput {
  /** The subgraphs to compose: the proposal and everyone else's working tree. */
  subgraphs: SubgraphEntry[];
  /** `--subgraph NAME`: lint counts only coordinates NAME contributes; undefined for `--all`. */
  focus?: string;
  baseSupergraphSdl: string;
  manifest: readonly PersistedOperation[];
  usage: readonly UsageRecord[];
  shareable: readonly ShareableEntry[];
  owners: Record<string, SubgraphOwner> | { error: string };
  today: string;
}

export interface Section {
  title: string;
  findings: Finding[];
}

export interface CheckReport {
  focus?: string;
  composed: boolean;
  changes: SchemaChange[];
  /** Composition, consumer impact, scope impact, lint: in that order. */
  sections: Section[];
  /** Lint findings on coordinates only other subgraphs contribute (not counted under --subgraph). */
  othersLint: number;
  knownOperations: number;
  errors: number;
  warnings: number;
}

const byCoordinate = (a: Finding, b: Finding) =>
  SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule) || a.coordinate.localeCompare(b.coordinate) || a.message.localeCompare(b.message);

export async function runCheck(input: CheckInput): Promise<CheckReport> {
  const { supergraphSdl, errors } = compose(input.subgraphs);
  if (!supergraphSdl) {
    const findings = errors.map((message): Finding => ({ severity: 'error', rule: 'composition', coordinate: '(composition)', message }));
    return summarize({ focus: input.focus, composed: false, changes: [], sections: [{ title: 'Composition', findings }], othersLint: 0, knownOperations: 0 });
  }
  const baseSchema = apiSchemaOf(input.baseSupergraphSdl);
  const operations = knownOperations(baseSchema, input.manifest, input.usage);
  const changes = await diffSupergraphs(input.baseSupergraphSdl, supergraphSdl);
  const consumers = consumerImpact(changes, operations, baseSchema);
  const scopes = scopeImpact(diffPolicies(input.baseSupergraphSdl, supergraphSdl), operations);

  const ruleInput = {
    supergraphSdl,
    today: input.today,
    knownScopes: SCOPES,
    shareable: input.shareable,
    owners: input.owners,
    subgraphs: input.focus ? [input.focus] : input.subgraphs.map(({ name }) => name),
  };
  const contributors = contributorMap(supergraphSdl);
  const lint = Object.values(RULES)
    .flatMap((rule) => rule(ruleInput))
    .map((finding) => ({ ...finding, subgraphs: finding.subgraphs ?? contributorsOf(contributors, finding.coordinate) }));
  const counted = input.focus ? lint.filter((finding) => finding.subgraphs.includes(input.focus!)) : lint;
  return summarize({
    focus: input.focus,
    composed: true,
    changes,
    sections: [
      { title: 'Composition', findings: [] },
      { title: 'Consumer impact', findings: consumers.sort(byCoordinate) },
      { title: 'Scope impact', findings: scopes.sort(byCoordinate) },
      { title: 'Lint', findings: counted.sort(byCoordinate) },
    ],
    othersLint: lint.length - counted.length,
    knownOperations: operations.length,
  });
}

/** Composition, with an SDL that does not parse reported as a composition error naming its file. */
function compose(subgraphs: SubgraphEntry[]): { supergraphSdl?: string; errors: string[] } {
  const unparsable = subgraphs.flatMap(({ name, file, sdl }) => {
    try {
      parse(sdl);
      return [];
    } catch (error) {
      return [`${name} (${file}): ${(error as Error).message}`];
    }
  });
  return unparsable.length > 0 ? { errors: unparsable } : composeSupergraph(subgraphs);
}

function summarize(report: Omit<CheckReport, 'errors' | 'warnings'>): CheckReport {
  const all = report.sections.flatMap((section) => section.findings);
  return { ...report, errors: all.filter((f) => f.severity === 'error').length, warnings: all.filter((f) => f.severity === 'warning').length };
}
