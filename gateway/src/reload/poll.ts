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

  const checkOnce = async (): Promise<'unchanged' | 'applied' | 'refused' | 'unreadable'> => {
    let sdl: string;
    try {
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
