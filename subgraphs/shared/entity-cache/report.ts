import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { StaleIfErrorItem } from '../../../common/contracts/stale-if-error.js';

export type { StaleIfErrorItem };

/** Per-request collector of stale-if-error serves; lives on the request context. */
export interface StaleIfErrorReport {
  add(item: StaleIfErrorItem): void;
  items(): readonly StaleIfErrorItem[];
}

export function createStaleIfErrorReport(): StaleIfErrorReport {
  const items: StaleIfErrorItem[] = [];
  const seen = new Set<string>();
  return {
    add(item) {
      // One entity loaded twice in a request (two loaders, retries) is reported once.
      const id = `${item.type}:${item.key}`;
      if (seen.has(id)) return;
      seen.add(id);
      items.push(item);
    },
    items: () => items,
  };
}

/** What the plugin needs from a subgraph's context. */
export interface WithStaleIfErrorReport {
  staleIfError: StaleIfErrorReport;
}

/**
 * Adds `extensions.staleIfError` to the subgraph's response when the request served any entity
 * from the cache because its system failed, so no client mistakes an old value for a fresh one.
 */
export function staleIfErrorPlugin<C extends BaseContext & WithStaleIfErrorReport>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const items = contextValue.staleIfError?.items() ?? [];
          if (items.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, staleIfError: [...items] };
        },
      };
    },
  };
}
