import { open } from 'node:fs/promises';
import type { AuditLine } from '../features/audit/line.js';

/**
 * The console's view of the audit trail: the newest lines of the gateway's audit file that match a
 * filter (subject, client, a coordinate delivered or denied, a time range). Lines hold metadata
 * only (which classified fields went out, never their values), so nothing here can leak a value.
 * Only the file's last `TAIL_BYTES` are read: older lines are the log pipeline's business.
 */
export const TAIL_BYTES = 8 * 1024 * 1024;
export const MAX_LINES = 200;

export interface AuditFilter {
  subject?: string;
  client?: string;
  coordinate?: string;
  /** ISO 8601 bounds, inclusive. */
  from?: string;
  to?: string;
  limit?: number;
}

export function parseAuditFilter(query: Record<string, unknown>): AuditFilter | string {
  const text = (name: string) => (typeof query[name] === 'string' && (query[name] as string).trim() ? (query[name] as string).trim() : undefined);
  const filter: AuditFilter = { subject: text('subject'), client: text('client'), coordinate: text('coordinate'), from: text('from'), to: text('to') };
  for (const bound of ['from', 'to'] as const) {
    if (filter[bound] !== undefined && Number.isNaN(Date.parse(filter[bound]!))) return `${bound}: expected an ISO 8601 time, got "${filter[bound]}"`;
  }
  const limit = text('limit');
  if (limit !== undefined) {
    const value = Number(limit);
    if (!Number.isInteger(value) || value < 1 || value > MAX_LINES) return `limit: expected 1 to ${MAX_LINES}, got "${limit}"`;
    filter.limit = value;
  }
  return filter;
}

export async function readAuditTrail(path: string, filter: AuditFilter): Promise<{ lines: AuditLine[]; scannedBytes: number }> {
  let text: string;
  let scannedBytes = 0;
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      scannedBytes = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(scannedBytes);
      await file.read(buffer, 0, scannedBytes, size - scannedBytes);
      text = buffer.toString('utf8');
      // Starting mid-file: the first line is cut.
      if (size > scannedBytes) text = text.slice(text.indexOf('\n') + 1);
    } finally {
      await file.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], scannedBytes: 0 };
    throw error;
  }
  const from = filter.from ? Date.parse(filter.from) : -Infinity;
  const to = filter.to ? Date.parse(filter.to) : Infinity;
  const matches: AuditLine[] = [];
  const rows = text.split('\n');
  for (let i = rows.length - 1; i >= 0 && matches.length < (filter.limit ?? MAX_LINES); i--) {
    const row = rows[i]!;
    if (!row.startsWith('{')) continue;
    let line: AuditLine;
    try {
      line = JSON.parse(row) as AuditLine;
    } catch {
      continue;
    }
    if (line.type !== 'audit') continue;
    const time = Date.parse(line.time);
    if (time < from || time > to) continue;
    if (filter.subject && line.subject !== filter.subject) continue;
    if (filter.client && line.clientName !== filter.client) continue;
    if (filter.coordinate && !line.classified.some((item) => item.coordinate === filter.coordinate) && !line.denied.includes(filter.coordinate)) continue;
    matches.push(line);
  }
  return { lines: matches, scannedBytes };
}
