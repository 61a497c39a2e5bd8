import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../atomic-file.js';
import { mergeRecords, sortRecords } from './merge.js';
import type { UsageRecord } from './types.js';

export const USAGE_FILE_FORMAT = 'bizgraph-usage/1';

export interface UsageFile {
  format: typeof USAGE_FILE_FORMAT;
  records: UsageRecord[];
}

/** The records of a usage file; a missing file has none. A malformed one throws naming the path. */
export async function readUsageFile(path: string): Promise<UsageRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseUsageFile(text, path);
}

/**
 * Merges `records` into the file: reads it, adds the counts and writes the result to a temporary
 * file renamed over the old one, so a reader never sees half a file and a crash never truncates
 * it. Writers are not locked against each other: two processes flushing the same file at the same
 * moment can lose one's increments (use the PostgreSQL store for several replicas).
 */
export async function mergeIntoUsageFile(path: string, records: readonly UsageRecord[]): Promise<void> {
  const merged = mergeRecords(await readUsageFile(path), records);
  await mkdir(dirname(path), { recursive: true });
  const file: UsageFile = { format: USAGE_FILE_FORMAT, records: merged };
  await writeFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
}

export function parseUsageFile(text: string, path: string): UsageRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message})`);
  }
  const file = parsed as Partial<UsageFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== USAGE_FILE_FORMAT || !Array.isArray(file.records)) {
    throw new Error(`${path}: expected {"format":"${USAGE_FILE_FORMAT}","records":[…]}`);
  }
  file.records.forEach((record, index) => {
    const problem = recordProblem(record);
    if (problem) throw new Error(`${path}: records[${index}] ${problem}`);
  });
  return sortRecords(file.records);
}

function recordProblem(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return 'is not an object';
  const r = record as Record<string, unknown>;
  for (const key of ['operationHash', 'clientName', 'firstSeen', 'lastSeen'] as const) {
    if (typeof r[key] !== 'string') return `needs a string ${key}`;
  }
  if (r.operationName !== null && typeof r.operationName !== 'string') return 'needs a string or null operationName';
  if (!Array.isArray(r.fields) || !r.fields.every((field) => typeof field === 'string')) return 'needs fields as a list of strings';
  if (!Number.isSafeInteger(r.count) || (r.count as number) < 0) return 'needs a non-negative integer count';
  return undefined;
}
