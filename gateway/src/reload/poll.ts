import { stat } from 'node:fs/promises';
import type { SupergraphSource } from '../config.js';
import { log } from '../log.js';
import { readSupergraphSdl, supergraphHash } from '../supergraph.js';
import type { VersionFactory } from './version.js';
import type { SupergraphVersions } from './versions.js';

export interface RefusedVersion {
  /** Content hash of the refused text. */
  hash: string;
  reason: string;
  /** ISO 8601. */
  at: string;
}

/** What /readyz and the metrics report about reloading; read live, never copied. */
export interface ReloadStatus {
  /** The last version that could not be served (null until one is refused). */
  refused: RefusedVersion | null;
  /** Versions applied and refused since start (the initial load is neither). */
  applied: number;
  refusals: number;
}

export interface SupergraphPolling {
  status: ReloadStatus;
  /** Reads the source once and applies a new version if it changed; resolves when done (tests, and each poll). */
  check(): Promise<'unchanged' | 'applied' | 'refused' | 'unreadable'>;
  /** Stops polling and waits for a check in progress. */
  close(): Promise<void>;
}

export interface PollingOptions {
  source: SupergraphSource;
  /** `SUPERGRAPH_POLL_INTERVAL_MS`; 0 never polls (`check` still works). */
  intervalMs: number;
  versions: SupergraphVersions;
  factory: VersionFactory;
}

/**
 * Re-reads the supergraph file or URL every `intervalMs` and compares content hashes: polling a
 * hash survives what `fs.watch` misses (editors and `compose --out` replace the file by renaming a
 * new one over it, which ends a watch on the old inode). A new text is validated in full — parse,
 * Federation 2 join spec, policy, @apollo/gateway's own load — before it is swapped in; anything
 * that fails is refused (logged at error, counted, shown in /readyz) and the active version keeps
 * serving. A refused text is not retried until the source changes again.
 */
export function pollSupergraph({ source, intervalMs, versions, factory }: PollingOptions): SupergraphPolling {
  const status: ReloadStatus = { refused: null, applied: 0, refusals: 0 };
  let running: Promise<Awaited<ReturnType<SupergraphPolling['check']>>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let unreadable = false;
  const fileState = source.kind === 'file' ? unchangedFileCheck(source.location) : undefined;

  const checkOnce = async (): Promise<'unchanged' | 'applied' | 'refused' | 'unreadable'> => {
    if (!unreadable && (await fileState?.unchanged())) return 'unchanged';
    let sdl: string;
    try {
      await fileState?.reading();
      sdl = await readSupergraphSdl(source);
    } catch (error) {
      // Not a new version (a URL briefly down, a file being replaced by hand): keep serving, say so once.
      if (!unreadable) log('warn', 'supergraph source unreadable, keeps serving the active version', { source: source.location, error: (error as Error).message });
      unreadable = true;
      return 'unreadable';
    }
    unreadable = false;
    const hash = supergraphHash(sdl);
    const active = versions.active();
    if (hash === active.hash || hash === status.refused?.hash) return 'unchanged';
    try {
      const version = await versions.apply(factory.prepare(sdl));
      status.applied++;
      log('info', 'supergraph reloaded', { source: source.location, version: version.hash, previous: active.hash, subgraphs: version.subgraphs.map(({ name }) => name) });
      return 'applied';
    } catch (error) {
      const reason = (error as Error).message ?? String(error);
      status.refused = { hash, reason, at: new Date().toISOString() };
      status.refusals++;
      log('error', 'supergraph refused, keeps serving the active version', { source: source.location, version: hash, active: active.hash, reason });
      return 'refused';
    }
  };

  const check = () => {
    // One check at a time: a slow build is never raced by the next tick.
    running ??= checkOnce().finally(() => (running = undefined));
    return running;
  };

  const schedule = () => {
    if (closed || intervalMs === 0) return;
    timer = setTimeout(() => void check().finally(schedule), intervalMs);
    // Polling alone never keeps the process alive.
    timer.unref();
  };
  schedule();

  return {
    status,
    check,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** How long a file must have stood still before its read is trusted to stand for it while it stays the same. */
const SETTLED_MS = 2000;

/**
 * Lets a poll skip reading and hashing a supergraph file that has not changed since it was read
 * (a few hundred KB every two seconds, on the same core as client requests). "Not changed" means
 * the same inode, size, mtime and ctime, and only once the file had stood still for 2 s before it
 * was read: file timestamps are coarse (a few ms), so a same-size rewrite right after a read could
 * otherwise keep its old times. Any doubt (a failed stat) reads the file.
 */
export function unchangedFileCheck(path: string, settledMs = SETTLED_MS) {
  let read: { fingerprint: string; settled: boolean } | undefined;
  const fingerprintOf = async () => {
    const info = await stat(path, { bigint: true });
    return { fingerprint: `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`, changedAtNs: info.mtimeNs > info.ctimeNs ? info.mtimeNs : info.ctimeNs };
  };
  return {
    async unchanged(): Promise<boolean> {
      if (!read?.settled) return false;
      const now = await fingerprintOf().catch(() => undefined);
      return now?.fingerprint === read.fingerprint;
    },
    /** Called just before the file is read: what the read will stand for. */
    async reading(): Promise<void> {
      const now = await fingerprintOf().catch(() => undefined);
      read = now && { fingerprint: now.fingerprint, settled: BigInt(Date.now()) * 1_000_000n - now.changedAtNs > BigInt(settledMs) * 1_000_000n };
    },
  };
}
