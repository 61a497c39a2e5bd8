import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { parseProvenanceHeader, PROVENANCE_HEADER, type ProvenanceItem } from '../../common/contracts/provenance.js';
import type { ErrorOrigin } from './errors.js';

export type { ProvenanceItem };

/** One key's answer as the entity cache gives it (`LoadResult`): an error carries no provenance. */
type Loaded = { meta: { source: 'cache' | 'system'; fetchedAt: number; ageMs: number; staleIfError: boolean } } | Error;

/**
 * Per-request collector of which system answered what, kept per entity type (oldest fetch time,
 * largest age, counts). Off until the gateway asks with the provenance header, and then a few
 * additions per loader batch: a request without the header pays one boolean check per batch.
 */
export interface ProvenanceRecorder {
  readonly enabled: boolean;
  enable(): void;
  /** A batch the entity cache answered, one result per key. */
  loaded(type: string, results: readonly Loaded[]): void;
  /** `count` keys or rows read from the system (SQL, list calls) by a read that started at `startedAt`. */
  fetched(type: string, count: number, startedAt: number): void;
  /** Runs a system read and records it with the time it started; records nothing when it fails. */
  read<T>(type: string, count: number | ((result: T) => number), work: () => Promise<T>): Promise<T>;
  items(): ProvenanceItem[];
}

interface Aggregate {
  oldest: number;
  ageMs: number;
  cached: number;
  fetched: number;
  staleIfError: boolean;
}

export function createProvenanceRecorder(origin: ErrorOrigin): ProvenanceRecorder {
  let enabled = false;
  const byType = new Map<string, Aggregate>();
  const add = (type: string, fetchedAt: number, ageMs: number, fromCache: boolean, staleIfError: boolean, keys: number) => {
    let aggregate = byType.get(type);
    if (!aggregate) byType.set(type, (aggregate = { oldest: fetchedAt, ageMs: 0, cached: 0, fetched: 0, staleIfError: false }));
    aggregate.oldest = Math.min(aggregate.oldest, fetchedAt);
    aggregate.ageMs = Math.max(aggregate.ageMs, ageMs);
    aggregate.staleIfError ||= staleIfError;
    if (fromCache) aggregate.cached += keys;
    else aggregate.fetched += keys;
  };
  const recorder: ProvenanceRecorder = {
    get enabled() {
      return enabled;
    },
    enable: () => void (enabled = true),
    loaded(type, results) {
      if (!enabled) return;
      for (const result of results) {
        if (result instanceof Error) continue;
        const { source, fetchedAt, ageMs, staleIfError } = result.meta;
        add(type, fetchedAt, source === 'cache' ? ageMs : 0, source === 'cache', staleIfError, 1);
      }
    },
    fetched(type, count, startedAt) {
      if (enabled) add(type, startedAt, 0, false, false, count);
    },
    read(type, count, work) {
      // Off (the usual case): the read itself, not even an extra promise.
      if (!enabled) return work();
      const startedAt = Date.now();
      return work().then((result) => {
        recorder.fetched(type, typeof count === 'number' ? count : count(result), startedAt);
        return result;
      });
    },
    items: () =>
      [...byType].map(([type, { oldest, ageMs, cached, fetched, staleIfError }]) => ({
        system: origin.system,
        subgraph: origin.subgraph,
        type,
        fetchedAt: new Date(oldest).toISOString(),
        ageSeconds: Math.floor(ageMs / 1000),
        fromCache: cached > 0,
        staleIfError,
        cached,
        fetched,
      })),
  };
  return recorder;
}

/** What the plugin needs from a subgraph's context. */
export interface WithProvenance {
  provenance: ProvenanceRecorder;
}

/**
 * Turns the request's recorder on when the gateway sent `bizgraph-provenance: 1` (the context is
 * built before this hook, the resolvers run after it), and adds `extensions.provenance` to the
 * answer. Without the header nothing is recorded and nothing is added.
 */
export function provenancePlugin<C extends BaseContext & WithProvenance>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request, contextValue }) {
      if (parseProvenanceHeader(request.http?.headers.get(PROVENANCE_HEADER)) !== true) return;
      contextValue.provenance.enable();
      return {
        async willSendResponse({ contextValue: context, response }) {
          const items = context.provenance.items();
          if (items.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, provenance: items };
        },
      };
    },
  };
}
