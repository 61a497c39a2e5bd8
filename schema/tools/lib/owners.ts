import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { projectPath } from '../../../common/project-root.js';

/** One subgraph's owners, as declared in schema/owners.yaml. */
export interface SubgraphOwner {
  team: string;
  /** The business system the subgraph fronts (its errors' `extensions.system`). */
  system: string;
  contact: string;
  sla: { availability: string; latencyP99Ms: number; support: string };
}

export const OWNERS_PATH = projectPath('schema/owners.yaml');

/** Reads and validates owners.yaml; a missing or malformed entry throws naming the subgraph and key. */
export function readOwners(path = OWNERS_PATH): Record<string, SubgraphOwner> {
  const parsed = YAML.parse(readFileSync(path, 'utf8')) as { subgraphs?: Record<string, Partial<SubgraphOwner>> } | null;
  if (!parsed?.subgraphs || typeof parsed.subgraphs !== 'object') throw new Error(`${path}: no "subgraphs" section`);
  const owners: Record<string, SubgraphOwner> = {};
  for (const [name, entry] of Object.entries(parsed.subgraphs)) {
    const where = `${path}: subgraphs.${name}`;
    for (const key of ['team', 'system', 'contact'] as const) {
      if (typeof entry?.[key] !== 'string' || !entry[key]!.trim()) throw new Error(`${where}.${key} must be a non-empty string`);
    }
    const sla = entry.sla;
    if (!sla || typeof sla.availability !== 'string' || typeof sla.support !== 'string' || typeof sla.latencyP99Ms !== 'number' || !(sla.latencyP99Ms > 0)) {
      throw new Error(`${where}.sla needs availability (string), latencyP99Ms (positive number) and support (string)`);
    }
    owners[name] = {
      team: entry.team!,
      system: entry.system!,
      contact: entry.contact!,
      sla: { availability: sla.availability, latencyP99Ms: sla.latencyP99Ms, support: sla.support },
    };
  }
  return owners;
}
