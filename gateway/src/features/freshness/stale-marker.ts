import type { ApolloServerPlugin } from '@apollo/server';
import type { StaleIfErrorItem } from '../../../../common/contracts/stale-if-error.js';
import type { GatewayContext } from '../../context.js';

/** One entity a subgraph served from its cache because its system failed (stale-if-error). */
export type StaleEntity = StaleIfErrorItem;

/** Stale entities reported by the subgraph fetches of each request (by its context object). */
const staleByContext = new WeakMap<object, Map<string, StaleEntity>>();

/**
 * Keeps the well-formed items of a subgraph's `extensions.staleIfError`; anything else a subgraph
 * sends there is dropped rather than passed to clients. One entry per system, type and key: several
 * fetches of one request may serve the same stale entity.
 */
export function recordStaleEntities(context: object, reported: unknown, origin: { subgraph: string; system: string }): void {
  if (!Array.isArray(reported)) return;
  let entries = staleByContext.get(context);
  for (const item of reported) {
    if (!isStaleEntity(item)) continue;
    if (!entries) staleByContext.set(context, (entries = new Map()));
    // The gateway names the subgraph and its system itself, as on errors: a subgraph cannot claim another's.
    const { subgraph, system } = origin;
    const { type, key, fetchedAt, ageSeconds } = item;
    const id = `${system}\u0000${type}\u0000${key}`;
    const known = entries.get(id);
    // The oldest copy is the honest one to report.
    if (!known || known.ageSeconds < ageSeconds) entries.set(id, { system, subgraph, type, key, fetchedAt, ageSeconds });
  }
}

/** What this request's answer must declare as stale; empty when everything was fresh. */
export function staleEntitiesOf(context: object): StaleEntity[] {
  return [...(staleByContext.get(context)?.values() ?? [])];
}

/**
 * Adds `extensions.staleIfError` to an answer that holds values a failing system could not refresh,
 * so clients can show them as "as of" their fetch time instead of as current.
 */
export function staleMarkerPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const stale = staleEntitiesOf(contextValue);
          if (stale.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, staleIfError: stale };
        },
      };
    },
  };
}

function isStaleEntity(item: unknown): item is StaleEntity {
  if (typeof item !== 'object' || item === null) return false;
  const { system, subgraph, type, key, fetchedAt, ageSeconds } = item as Record<string, unknown>;
  return (
    typeof system === 'string' && typeof subgraph === 'string' && typeof type === 'string' && typeof key === 'string' &&
    typeof fetchedAt === 'string' && typeof ageSeconds === 'number' && Number.isFinite(ageSeconds)
  );
}
