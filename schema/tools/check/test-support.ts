import { SCOPES } from '../../../gateway/src/auth/presets.js';
import { composeSupergraph } from '../compose.js';
import type { RuleInput } from './types.js';

/** Federation header of an inline test subgraph: the directives our real subgraphs import. */
export const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@authenticated", "@requiresScopes", "@tag"])\n`;

/**
 * Test support: composes inline subgraph SDLs (name → SDL, the federation link prepended) with the
 * real composition, so each rule test reads a supergraph exactly as the CLI would produce it.
 */
export function composeInline(subgraphs: Record<string, string>): string {
  const entries = Object.entries(subgraphs).map(([name, sdl], index) => ({
    name,
    url: `http://127.0.0.1:${4101 + index}/graphql`,
    file: `${name}.graphql`,
    sdl: sdl.includes('@link(') ? sdl : LINK + sdl,
  }));
  const { supergraphSdl, errors } = composeSupergraph(entries);
  if (!supergraphSdl) throw new Error(`test schemas do not compose:\n${errors.join('\n')}`);
  return supergraphSdl;
}

/** A rule input around a composed test supergraph; owners cover every composed subgraph. */
export function ruleInput(supergraphSdl: string, overrides: Partial<RuleInput> = {}): RuleInput {
  const owner = { team: 'customer-platform', system: 'crm', contact: '#team', sla: { availability: '99.9 %', latencyP99Ms: 300, support: '24/7' } };
  return {
    supergraphSdl,
    today: '2026-11-27',
    knownScopes: SCOPES,
    shareable: [],
    owners: { crm: owner, support: { ...owner, team: 'customer-care-tools', system: 'support' } },
    subgraphs: ['crm'],
    ...overrides,
  };
}
