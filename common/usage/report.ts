import type { UsageRecord } from './types.js';

/** What `npm run usage` was asked: one field (`Type.field`), one type's fields, or every field. */
export type UsageQuery = { kind: 'field'; coordinate: string } | { kind: 'type'; type: string } | { kind: 'all' };

const NAME = '[_A-Za-z][_0-9A-Za-z]*';
const COORDINATE = new RegExp(`^(${NAME})(?:\\.(${NAME}))?$`);

/** `Type.field` or `Type`; anything else (`Type.`, `a.b.c`, `Customer.phone(id:)`) is undefined. */
export function parseCoordinate(text: string): UsageQuery | undefined {
  const match = COORDINATE.exec(text);
  if (!match) return undefined;
  return match[2] === undefined ? { kind: 'type', type: match[1]! } : { kind: 'field', coordinate: text };
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `--since`: a duration back from `now` (`90m`, `12h`, `30d`, `2w`) or an ISO date; undefined if neither. */
export function parseSince(text: string, now: Date): Date | undefined {
  const duration = /^(\d+)([mhdw])$/.exec(text);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** One operation of one client that selected the field. Counts are totals since first seen. */
export interface FieldUse {
  clientName: string;
  operationName: string | null;
  operationHash: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface ClientUse {
  clientName: string;
  count: number;
  operations: number;
  lastSeen: string;
}

/** "Who still reads it?" */
export interface FieldReport {
  coordinate: string;
  clients: ClientUse[];
  operations: FieldUse[];
}

/** One field in use: how often operations selecting it ran, by how many clients. */
export interface FieldSummary {
  coordinate: string;
  count: number;
  clients: string[];
  operations: number;
  lastSeen: string;
}

/** Records last seen at or after `since` (all of them without it). */
export function seenSince(records: readonly UsageRecord[], since: Date | undefined): UsageRecord[] {
  if (!since) return [...records];
  const from = since.toISOString();
  return records.filter((record) => record.lastSeen >= from);
}

export function fieldReport(records: readonly UsageRecord[], coordinate: string): FieldReport {
  const operations: FieldUse[] = records
    .filter((record) => record.fields.includes(coordinate))
    .map(({ clientName, operationName, operationHash, count, firstSeen, lastSeen }) => ({ clientName, operationName, operationHash, count, firstSeen, lastSeen }))
    .sort((a, b) => b.count - a.count || compare(a.clientName, b.clientName) || compare(a.operationName ?? '', b.operationName ?? '') || compare(a.operationHash, b.operationHash));
  const clients = new Map<string, ClientUse>();
  for (const use of operations) {
    const client = clients.get(use.clientName) ?? { clientName: use.clientName, count: 0, operations: 0, lastSeen: use.lastSeen };
    client.count += use.count;
    client.operations++;
    if (use.lastSeen > client.lastSeen) client.lastSeen = use.lastSeen;
    clients.set(use.clientName, client);
  }
  return { coordinate, clients: [...clients.values()].sort((a, b) => b.count - a.count || compare(a.clientName, b.clientName)), operations };
}

/** Every field in use (of `type` only, when given), most used first. */
export function fieldSummaries(records: readonly UsageRecord[], type?: string): FieldSummary[] {
  const byField = new Map<string, { count: number; clients: Set<string>; operations: number; lastSeen: string }>();
  for (const record of records) {
    for (const coordinate of record.fields) {
      if (type !== undefined && !coordinate.startsWith(`${type}.`)) continue;
      const field = byField.get(coordinate) ?? { count: 0, clients: new Set<string>(), operations: 0, lastSeen: record.lastSeen };
      field.count += record.count;
      field.clients.add(record.clientName);
      field.operations++;
      if (record.lastSeen > field.lastSeen) field.lastSeen = record.lastSeen;
      byField.set(coordinate, field);
    }
  }
  return [...byField]
    .map(([coordinate, field]) => ({ coordinate, count: field.count, clients: [...field.clients].sort(compare), operations: field.operations, lastSeen: field.lastSeen }))
    .sort((a, b) => b.count - a.count || compare(a.coordinate, b.coordinate));
}

/** Left-aligned columns separated by two spaces; the header is the first row. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
