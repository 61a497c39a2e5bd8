import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../../../common/atomic-file.js';
import { log } from '../log.js';

/**
 * A reference written while its owner could not be asked (policy `accept-pending`), one entry per
 * reference and value however many writes carried it.
 */
export interface PendingReference {
  /** The reference's name (`ticket.order`). */
  reference: string;
  /** The referenced key as written (`SO-100123`). */
  value: string;
  /** The system and subgraph that own the referenced record. */
  system: string;
  subgraph: string;
  /** `unverified`: not confirmed yet; `unknown`: the owner answered and does not know the key (an orphan). */
  state: 'unverified' | 'unknown';
  firstWrittenAt: string;
  lastWrittenAt: string;
  /** Writes that carried this value unverified. */
  writes: number;
  /** Re-checks that could not reach the owner, and when the owner was last asked. */
  checks: number;
  lastCheckedAt?: string;
}

/**
 * Past this many entries a further unverifiable write is refused (`reject`) rather than accepted:
 * the list is kept in memory and rewritten on each change, and a caller writing made-up keys
 * during an outage must not grow it without bound.
 */
export const MAX_PENDING = 10_000;

const keyOf = (reference: string, value: string) => `${reference}\u0000${value}`;

/**
 * The gateway's list of unverified references, kept in `<BIZGRAPH_DATA_DIR>/pending-references.json`
 * so a restart re-checks what the previous process accepted. Each change rewrites the file
 * atomically before the change is acknowledged (a write is answered "unverified" only once that
 * mark is stored); rewrites run one at a time, each with the state as it starts, so the file ends
 * with the latest state.
 */
export class PendingReferences {
  private readonly entries = new Map<string, PendingReference>();
  private saving: Promise<void> = Promise.resolve();
  /** A rewrite queued behind the running one and not started yet. */
  private queued: Promise<void> | undefined;

  private constructor(private readonly file: string) {}

  /** Opens the list at `file`; a missing file is an empty list, an unreadable one is logged and replaced. */
  static open(file: string): PendingReferences {
    const pending = new PendingReferences(file);
    if (existsSync(file)) {
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as { pending?: PendingReference[] };
        for (const entry of stored.pending ?? []) pending.entries.set(keyOf(entry.reference, entry.value), entry);
      } catch (error) {
        log('error', 'pending references file unreadable: starting with an empty list', { file, error: String(error) });
      }
    }
    return pending;
  }

  /** Whether one more distinct entry may be added. */
  get hasRoom(): boolean {
    return this.entries.size < MAX_PENDING;
  }

  list(): PendingReference[] {
    return [...this.entries.values()];
  }

  /** Entries the owner has not answered for yet. */
  unverified(): PendingReference[] {
    return this.list().filter((entry) => entry.state === 'unverified');
  }

  /** Records one write that carried `value` unverified (an entry already refuted by its owner stays `unknown`). */
  async add(entry: Pick<PendingReference, 'reference' | 'value' | 'system' | 'subgraph'>, at: Date): Promise<void> {
    const key = keyOf(entry.reference, entry.value);
    const known = this.entries.get(key);
    const when = at.toISOString();
    if (known) {
      known.writes += 1;
      known.lastWrittenAt = when;
    } else {
      this.entries.set(key, { ...entry, state: 'unverified', firstWrittenAt: when, lastWrittenAt: when, writes: 1, checks: 0 });
    }
    await this.save();
  }

  /**
   * What a re-check learnt: `found` removes the entry (confirmed), `unknown` keeps it as an orphan,
   * `unavailable` counts the attempt.
   */
  async settle(reference: string, value: string, answer: 'found' | 'unknown' | 'unavailable', at: Date): Promise<void> {
    const key = keyOf(reference, value);
    const entry = this.entries.get(key);
    if (!entry) return;
    if (answer === 'found') this.entries.delete(key);
    else {
      entry.lastCheckedAt = at.toISOString();
      if (answer === 'unknown') entry.state = 'unknown';
      else entry.checks += 1;
    }
    await this.save();
  }

  /** Waits for the last change to be on disk. */
  flushed(): Promise<void> {
    return this.saving;
  }

  /**
   * Queues one rewrite of the file. Changes made before a queued rewrite starts share it (it takes
   * its snapshot when it starts), so a burst of writes during an outage costs one rewrite, not one each.
   */
  private save(): Promise<void> {
    if (this.queued) return this.queued;
    const write = async () => {
      this.queued = undefined;
      mkdirSync(dirname(this.file), { recursive: true });
      await writeFileAtomically(this.file, `${JSON.stringify({ pending: this.list() }, null, 2)}\n`);
    };
    this.queued = this.saving = this.saving.then(write).catch((error: unknown) => {
      // The mark stays in memory and is written with the next change; the write it describes happened.
      log('error', 'pending references not saved', { file: this.file, error: String(error) });
    });
    return this.queued;
  }
}
