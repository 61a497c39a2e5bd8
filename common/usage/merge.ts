import type { UsageRecord } from './types.js';

/** A record's identity: one client running one operation. */
export function usageKey(record: Pick<UsageRecord, 'operationHash' | 'clientName'>): string {
  return `${record.operationHash}\u0000${record.clientName}`;
}

/**
 * Two records of the same operation and client as one: counts add up, first seen is the earlier,
 * last seen the later, fields are the union (a document can only select more coordinates than
 * another schema version knew), and the operation name is the most recently seen one.
 */
export function mergeRecord(a: UsageRecord, b: UsageRecord): UsageRecord {
  const latest = b.lastSeen >= a.lastSeen ? b : a;
  return {
    operationHash: a.operationHash,
    operationName: latest.operationName,
    clientName: a.clientName,
    fields: unionSorted(a.fields, b.fields),
    count: a.count + b.count,
    firstSeen: a.firstSeen <= b.firstSeen ? a.firstSeen : b.firstSeen,
    lastSeen: latest.lastSeen,
  };
}

/** Every record of both lists, one per (operation, client), in `sortRecords` order. */
export function mergeRecords(existing: readonly UsageRecord[], incoming: readonly UsageRecord[]): UsageRecord[] {
  const byKey = new Map<string, UsageRecord>();
  for (const record of [...existing, ...incoming]) {
    const key = usageKey(record);
    const known = byKey.get(key);
    byKey.set(key, known ? mergeRecord(known, record) : record);
  }
  return sortRecords([...byKey.values()]);
}

/** Deterministic order (operation hash, then client), so the file diffs cleanly and tests compare exactly. */
export function sortRecords(records: UsageRecord[]): UsageRecord[] {
  return records.sort((a, b) => compare(a.operationHash, b.operationHash) || compare(a.clientName, b.clientName));
}

function unionSorted(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
