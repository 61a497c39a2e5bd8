import type { ApolloServerPlugin } from '@apollo/server';
import type { StaleIfErrorItem } from '../../../../common/contracts/stale-if-error.js';
import type { GatewayContext } from '../../context.js';

/** One entity a subgraph served from its cache because its system failed (stale-if-error). */
export type StaleEntity = StaleIfErrorItem;

/**
 * Keeps the well-formed items of a subgraph's `extensions.staleIfError`; anything else a subgraph
 * sends there is dropped rather than passed to clients. One entry per system, type and key: several
 * fetches of one request may serve the same stale entity.
 */
export function recordStaleEntities(context: GatewayContext, reported: unknown, origin: { subgraph: string; system: string }): void {
  if (!Array.isArray(reported)) return;
  let entries = context.freshness?.stale;
  for (const item of reported) {
    if (!isStaleEntity(item)) continue;
    // Made on the first stale entity: an operation with none allocates nothing.
    if (!entries) entries = (context.freshness ??= {}).stale = new Map();
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
export function staleEntitiesOf(context: GatewayContext): StaleEntity[] {
  return [...(context.freshness?.stale?.values() ?? [])];
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
          // The slot exists only once a stale entity was recorded: a fresh answer costs one read.
          if (!contextValue.freshness?.stale || response.body.kind !== 'single') return;
          const stale = staleEntitiesOf(contextValue);
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
    typeof system === 'string' &&
    typeof subgraph === 'string' &&
    typeof type === 'string' &&
    typeof key === 'string' &&
    typeof fetchedAt === 'string' &&
    typeof ageSeconds === 'number' &&
    Number.isFinite(ageSeconds)
  );
}
