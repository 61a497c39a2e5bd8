import type { ApolloServerPlugin } from '@apollo/server';
import type { FetchRecord } from '../../../../common/contracts/explorer.js';
import type { GatewayContext } from '../../context.js';
import type { SubgraphObserver } from '../../datasource/observer.js';
import type { GatewayFeature } from '../../feature.js';
import { fetchPath } from '../freshness/provenance.js';
import { mayReadSchema } from '../introspection/index.js';

/**
 * `bizgraph-fetches: 1`: the answer's `extensions.fetches` lists the subgraph fetches its
 * operation made, in the order they started: which system was asked for which part of the answer,
 * when (ms after the request arrived) and for how long. What the explorer's plan view shows. The
 * list names subgraphs and systems, which only introspection otherwise reveals, so it is given
 * where introspection is: to everyone outside production, in production to `schema:introspect`.
 * A caller not allowed it gets the answer without the list. Nothing is recorded unless asked.
 */
export const FETCHES_HEADER = 'bizgraph-fetches';

const round = (ms: number) => Math.round(ms * 10) / 10;

const observer: SubgraphObserver = {
  onSubgraphResponse(context, fetch, response, origin) {
    const records = context.fetches;
    if (!records || fetch.startedAt === undefined) return;
    const arrived = context.startedAt ?? fetch.startedAt;
    records.push({
      subgraph: origin.subgraph,
      system: origin.system,
      path: fetchPath(fetch) ?? '',
      startedMs: round(fetch.startedAt - arrived),
      durationMs: round(performance.now() - fetch.startedAt),
      errors: response.errors?.length ?? 0,
    });
  },
};

function plugin(production: boolean): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      if (request.http?.headers.get(FETCHES_HEADER) !== '1') return;
      if (!mayReadSchema(production, contextValue.principal?.scopes)) return;
      // The slot's presence is the request for the list; the data source's fetches fill it.
      contextValue.fetches = [];
      return {
        async willSendResponse({ contextValue: context, response }) {
          if (response.body.kind !== 'single' || !context.fetches) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, fetches: [...context.fetches].sort((a, b) => a.startedMs - b.startedMs) };
        },
      };
    },
  };
}

export function fetchTraceFeature(production: boolean): GatewayFeature {
  return { plugins: [plugin(production)], subgraphObserver: observer };
}
