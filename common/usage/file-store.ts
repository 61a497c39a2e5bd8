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
  const text = await readUsageText(path);
  return text === undefined ? [] : parseUsageFile(text, path);
}

/**
 * Merges `records` into the file: reads it, adds the counts and writes the result to a temporary
 * file renamed over the old one, so a reader never sees half a file and a crash never truncates
 * it. Writers are not locked against each other: two processes flushing the same file at the same
 * moment can lose one's increments (use the PostgreSQL store for several replicas).
 */
export async function mergeIntoUsageFile(path: string, records: readonly UsageRecord[]): Promise<void> {
  await usageFileWriter(path)(records);
}

/** What a writer last put in its file: the exact text, to recognise the file by, and the records that text holds. */
interface Written {
  text: string;
  records: readonly UsageRecord[];
}

/**
 * `mergeIntoUsageFile` for one path, flushed again and again (the gateway's usage store, every
 * 10 s): it remembers the text and records it last wrote, and when the file still holds exactly
 * that text it merges into the remembered records instead of parsing, validating and sorting the
 * file again. The file is still read each time, because that comparison is what proves nobody
 * else wrote it. A stat fingerprint cannot: our own write leaves the file freshly modified, so a
 * same-size rewrite by another process within the same timestamp tick keeps its size, inode and
 * times, and waiting for the file to stand still never happens while every flush writes it.
 * Reading a page-cached file and comparing it costs little next to `JSON.parse`. What is
 * remembered is one file's text and records: memory grows with the file and nothing else.
 * Calls run one at a time. `parse` is injectable so tests can count it.
 */
export function usageFileWriter(path: string, parse: (text: string, path: string) => UsageRecord[] = parseUsageFile): (records: readonly UsageRecord[]) => Promise<void> {
  let written: Written | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const mergeOnce = async (records: readonly UsageRecord[]): Promise<void> => {
    const text = await readUsageText(path);
    const existing = text === undefined ? [] : text === written?.text ? written.records : parse(text, path);
    // Copies: the caller keeps its objects, and what is remembered must match the file it describes.
    const merged = mergeRecords(existing, records.map(copyRecord));
    const file: UsageFile = { format: USAGE_FILE_FORMAT, records: merged };
    const next = `${JSON.stringify(file, null, 2)}\n`;
    // A file that exists has its folder; a missing one may have lost the folder too.
    if (text === undefined) await mkdir(dirname(path), { recursive: true });
    await writeFileAtomically(path, next);
    written = { text: next, records: merged };
  };

  return (records) => {
    const run = queue.then(() => mergeOnce(records));
    queue = run.catch(() => {});
    return run;
  };
}

function copyRecord(record: UsageRecord): UsageRecord {
  return { ...record, fields: [...record.fields] };
}

async function readUsageText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
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
