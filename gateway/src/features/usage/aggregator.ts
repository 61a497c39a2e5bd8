import { mergeRecord, usageKey } from '../../../../common/usage/merge.js';
import type { UsageRecord } from '../../../../common/usage/types.js';

/** One operation run, as the plugin sees it. */
export interface UsageEvent {
  operationHash: string;
  operationName: string | null;
  clientName: string;
  /** Sorted coordinates; the same array for every run of one (schema, hash), so a check by identity is enough. */
  fields: readonly string[];
}

interface Pending {
  operationHash: string;
  operationName: string | null;
  clientName: string;
  fields: readonly string[];
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Counts operation runs in memory between flushes: one entry per (operation hash, client), updated
 * in place, so recording a run is a map lookup and two assignments.
 */
export class UsageAggregator {
  private pending = new Map<string, Pending>();
  private droppedRuns = 0;
  /** Records of a failed flush, kept whole (ISO times) until the next one succeeds. */
  private unsent = new Map<string, UsageRecord>();

  /** @param maxEntries distinct (operation, client) pairs kept between flushes: client names are the caller's to invent. */
  constructor(private readonly maxEntries = 50_000) {}

  record(event: UsageEvent, at: number): void {
    const key = usageKey(event);
    const entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= this.maxEntries) {
        this.droppedRuns++;
        return;
      }
      this.pending.set(key, { ...event, count: 1, firstSeen: at, lastSeen: at });
      return;
    }
    entry.count++;
    entry.lastSeen = at;
    entry.operationName = event.operationName;
    // A new schema version (hot reload) may see more of the document: keep every field ever selected.
    if (entry.fields !== event.fields) entry.fields = [...new Set([...entry.fields, ...event.fields])].sort();
  }

  /** Everything counted since the last `take`, with the records of failed flushes; leaves it empty. */
  take(): UsageRecord[] {
    const taken = new Map(this.unsent);
    this.unsent.clear();
    for (const [key, entry] of this.pending) {
      const record = toRecord(entry);
      const known = taken.get(key);
      taken.set(key, known ? mergeRecord(known, record) : record);
    }
    this.pending.clear();
    return [...taken.values()];
  }

  /** Runs not counted since the last call because `maxEntries` was reached; resets to 0. */
  takeDropped(): number {
    const dropped = this.droppedRuns;
    this.droppedRuns = 0;
    return dropped;
  }

  /** Gives back the records of a flush that failed: they go out, counts intact, with the next one. */
  restore(records: readonly UsageRecord[]): void {
    for (const record of records) {
      const key = usageKey(record);
      const known = this.unsent.get(key);
      this.unsent.set(key, known ? mergeRecord(known, record) : record);
    }
  }

  /** Runs counted and not yet written. */
  get unwrittenRuns(): number {
    let runs = 0;
    for (const entry of this.pending.values()) runs += entry.count;
    for (const record of this.unsent.values()) runs += record.count;
    return runs;
  }
}

function toRecord(entry: Pending): UsageRecord {
  return {
    operationHash: entry.operationHash,
    operationName: entry.operationName,
    clientName: entry.clientName,
    fields: [...entry.fields],
    count: entry.count,
    firstSeen: new Date(entry.firstSeen).toISOString(),
    lastSeen: new Date(entry.lastSeen).toISOString(),
  };
}
