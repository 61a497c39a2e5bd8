import type { CatalogField } from '../../../schema/tools/catalog/model.js';
import type { UsageRecord } from '../../../common/usage/types.js';

/**
 * The console's catalog search: fields whose coordinate or description holds the text, each with
 * who still uses it according to the usage log (clients, operations, calls, last use).
 */
export interface FieldUsage {
  operations: number;
  calls: number;
  lastUsed: string | null;
  clients: { name: string; calls: number; lastUsed: string }[];
}

export interface CatalogHit extends Omit<CatalogField, 'arguments' | 'name' | 'ownerSource'> {
  /** Null when the gateway keeps no usage log (`USAGE_LOG=off`). */
  usage: FieldUsage | null;
}

export const MAX_HITS = 100;

export function searchCatalog(fields: readonly CatalogField[], text: string, usage: readonly UsageRecord[] | null): { hits: CatalogHit[]; more: boolean } {
  const needle = text.trim().toLowerCase();
  const matching = needle ? fields.filter((field) => field.coordinate.toLowerCase().includes(needle) || (field.description ?? '').toLowerCase().includes(needle)) : [];
  // Exact coordinates first, then by coordinate.
  matching.sort((a, b) => Number(b.coordinate.toLowerCase() === needle) - Number(a.coordinate.toLowerCase() === needle) || (a.coordinate < b.coordinate ? -1 : 1));
  const hits = matching
    .slice(0, MAX_HITS)
    .map(({ arguments: _arguments, name: _name, ownerSource: _source, ...field }) => ({ ...field, usage: usage ? usageOf(field.coordinate, usage) : null }));
  return { hits, more: matching.length > MAX_HITS };
}

function usageOf(coordinate: string, records: readonly UsageRecord[]): FieldUsage {
  const clients = new Map<string, { calls: number; lastUsed: string }>();
  let operations = 0;
  for (const record of records) {
    if (!record.fields.includes(coordinate)) continue;
    operations++;
    const client = clients.get(record.clientName) ?? { calls: 0, lastUsed: record.lastSeen };
    client.calls += record.count;
    if (record.lastSeen > client.lastUsed) client.lastUsed = record.lastSeen;
    clients.set(record.clientName, client);
  }
  const list = [...clients.entries()].map(([name, client]) => ({ name, ...client })).sort((a, b) => b.calls - a.calls);
  return {
    operations,
    calls: list.reduce((sum, client) => sum + client.calls, 0),
    lastUsed: list.reduce<string | null>((latest, client) => (latest === null || client.lastUsed > latest ? client.lastUsed : latest), null),
    clients: list,
  };
}
