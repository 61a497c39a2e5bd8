import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation, GraphQLRequestListener } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { UsageConfig } from '../../../../common/usage/config.js';
import { fieldCoordinates } from '../../../../common/usage/fields.js';
import { openUsageStore, type UsageStore } from '../../../../common/usage/store.js';
import type { GatewayContext } from '../../context.js';
import type { GatewayFeature } from '../../feature.js';
import { log } from '../../log.js';
import { UsageAggregator } from './aggregator.js';

export interface UsageLog extends GatewayFeature {
  /** Counts every operation Apollo Server parsed, validated and resolved. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** Writes the counts so far (also run every `flushIntervalMs`); never rejects. */
  flush(): Promise<void>;
  /** Stops the timer, writes what is left and closes the store. */
  close(): Promise<void>;
}

/** Longest client name kept: the header is the client's to choose. */
const MAX_CLIENT_NAME = 200;
/** Coordinates cached per schema; past this (a flood of distinct documents) the cache starts over. */
const MAX_CACHED_DOCUMENTS = 10_000;

/**
 * The usage log (`USAGE_LOG` / `USAGE_DATABASE_URL`): per operation hash and client, how often it
 * ran and which `Type.field` coordinates its document selects — the document as the client sent
 * it, before authorization removes anything, so a partly denied operation still counts. Operations
 * refused before their operation was resolved (syntax or validation errors, unknown APQ hashes)
 * are not counted. Variables and values are never looked at. Counts are kept in memory and
 * merged into the store every `flushIntervalMs` and on close; a failed write is logged and the
 * counts go out with the next flush. Recording never fails or delays a request.
 */
export function createUsageLog(config: UsageConfig): UsageLog {
  if (config.store.kind === 'off') return { plugins: [], flush: async () => {}, close: async () => {} };
  const store: UsageStore = openUsageStore(config.store, (error) => log('warn', 'usage log: database connection lost', { error: error.message }));
  log('info', 'usage log', { target: store.describe, flushIntervalMs: config.flushIntervalMs });
  const aggregator = new UsageAggregator();
  const fieldsOf = coordinatesCache();

  const listener: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation(requestContext) {
      try {
        record(requestContext);
      } catch (error) {
        log('error', 'usage log: operation not counted', { requestId: requestContext.contextValue.requestId, error: String((error as Error).stack ?? error) });
      }
    },
  };
  const record = ({ queryHash, document, schema, operation, request }: GraphQLRequestContextDidResolveOperation<GatewayContext>) => {
    // No operation by that name in the document: nothing runs, Apollo Server answers an error.
    if (!operation) return;
    const clientName = request.http?.headers.get('apollographql-client-name')?.trim().slice(0, MAX_CLIENT_NAME) || 'unknown';
    aggregator.record({ operationHash: queryHash, operationName: operation.name?.value ?? null, clientName, fields: fieldsOf(schema, queryHash, document) }, Date.now());
  };

  let flushing: Promise<void> = Promise.resolve();
  let queued = 0;
  const flush = (): Promise<void> => {
    queued++;
    flushing = flushing.then(async () => {
      queued--;
      const dropped = aggregator.takeDropped();
      if (dropped > 0) log('warn', 'usage log: too many distinct operations and clients between two flushes, runs not counted', { runs: dropped });
      const records = aggregator.take();
      if (records.length === 0) return;
      try {
        await store.write(records);
      } catch (error) {
        aggregator.restore(records);
        log('error', 'usage log: flush failed, counts kept for the next flush', { target: store.describe, records: records.length, error: (error as Error).message });
      }
    });
    return flushing;
  };
  let closing: Promise<void> | undefined;
  // Unref'd: a pending flush never keeps a process alive; close() writes the rest.
  // A tick while a slow store is still busy adds nothing: the next flush takes every count anyway.
  const timer = setInterval(() => queued === 0 && void flush(), config.flushIntervalMs);
  timer.unref();

  return {
    plugins: [{ requestDidStart: async () => listener }],
    flush,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await flush();
        const lost = aggregator.unwrittenRuns;
        if (lost > 0) log('error', 'usage log: runs not written at shutdown', { target: store.describe, runs: lost });
        await store.close().catch((error: Error) => log('warn', 'usage log: store did not close cleanly', { error: error.message }));
      })();
      return closing;
    },
  };
}

/** fieldCoordinates once per (schema, operation hash): the hot path then pays a map lookup. */
function coordinatesCache(): (schema: GraphQLSchema, hash: string, document: DocumentNode) => readonly string[] {
  const bySchema = new WeakMap<GraphQLSchema, Map<string, readonly string[]>>();
  return (schema, hash, document) => {
    let byHash = bySchema.get(schema);
    if (!byHash) bySchema.set(schema, (byHash = new Map()));
    let fields = byHash.get(hash);
    if (!fields) {
      if (byHash.size >= MAX_CACHED_DOCUMENTS) byHash.clear();
      fields = fieldCoordinates(schema, document);
      byHash.set(hash, fields);
    }
    return fields;
  };
}
