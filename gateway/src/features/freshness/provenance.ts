import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { isProvenanceItem, parseProvenanceHeader, PROVENANCE_HEADER, type ProvenanceItem } from '../../../../common/contracts/provenance.js';
import type { GatewayContext } from '../../context.js';
import type { SubgraphFetch } from '../../datasource/observer.js';
import { readProvenanceConfig, type ProvenanceConfig } from './config.js';

/**
 * One entry of `extensions.sources`: which system answered the values under `path` (a response
 * path prefix of the client's operation), through which subgraph, when they were fetched there,
 * whether from cache and how old they were.
 */
export interface Source extends ProvenanceItem {
  /** Root fetch: its root field(s), comma-separated; entity fetch: e.g. `customer.orders.nodes.@` (`@` = every list item). */
  path: string;
}

/** Whether the caller asked for provenance (`context.freshness.provenance` exists only then). */
export function provenanceRequested(context: GatewayContext | null | undefined): boolean {
  return context?.freshness?.provenance !== undefined;
}

/** Asks a subgraph for `extensions.provenance`, only when the caller asked for it (subgraphs record nothing otherwise). */
export function forwardProvenanceHeader(context: GatewayContext | null | undefined, headers: { set(name: string, value: string): unknown }): void {
  if (provenanceRequested(context)) headers.set(PROVENANCE_HEADER, '1');
}

/**
 * Keeps the well-formed items of one fetch's `extensions.provenance` under that fetch's path. The
 * gateway names the subgraph and system itself, as on errors: a subgraph cannot claim another's.
 */
export function recordProvenance(context: GatewayContext, fetch: SubgraphFetch, reported: unknown, origin: { subgraph: string; system: string }): void {
  const sources = context.freshness?.provenance;
  if (!sources || !Array.isArray(reported)) return;
  const items = reported.filter(isProvenanceItem);
  if (items.length === 0) return;
  const path = fetchPath(fetch);
  if (path === undefined) return;
  for (const { type, fetchedAt, ageSeconds, fromCache, staleIfError, cached, fetched } of items) {
    const id = `${path}\u0000${origin.subgraph}\u0000${type}`;
    const item: Source = {
      path,
      subgraph: origin.subgraph,
      system: origin.system,
      type,
      fetchedAt: new Date(fetchedAt).toISOString(),
      ageSeconds,
      fromCache,
      staleIfError,
      cached,
      fetched,
    };
    const known = sources.get(id);
    sources.set(id, known ? merge(known, item) : item);
  }
}

/** Several fetches of one path (e.g. list items fetched in batches): the oldest time is the honest one. */
function merge(a: Source, b: Source): Source {
  return {
    ...a,
    fetchedAt: Date.parse(b.fetchedAt) < Date.parse(a.fetchedAt) ? b.fetchedAt : a.fetchedAt,
    ageSeconds: Math.max(a.ageSeconds, b.ageSeconds),
    fromCache: a.fromCache || b.fromCache,
    staleIfError: a.staleIfError || b.staleIfError,
    cached: a.cached + b.cached,
    fetched: a.fetched + b.fetched,
  };
}

/** This request's sources, sorted by path, subgraph and type (fetches finish in any order). */
export function sourcesOf(context: GatewayContext): Source[] {
  const key = (source: Source) => `${source.path}\u0000${source.subgraph}\u0000${source.type}`;
  return [...(context.freshness?.provenance?.values() ?? [])].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Entity fetch: the path in the client's answer with list positions (and type conditions) folded,
 * so 500 orders share one prefix. Root fetch: the root fields it resolves.
 */
export function fetchPath(options: SubgraphFetch): string | undefined {
  const inRequest = options.pathInIncomingRequest;
  if (inRequest && inRequest.length > 0) return foldPath(inRequest);
  let document = options.document;
  if (!document) {
    try {
      document = parse(options.request.query ?? '');
    } catch {
      return undefined;
    }
  }
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return undefined;
  const names = rootNames(document, operation.selectionSet, new Set());
  return names.length > 0 ? [...new Set(names)].join(',') : undefined;
}

export function foldPath(path: readonly (string | number)[]): string {
  const parts: string[] = [];
  for (const part of path) {
    if (typeof part === 'number' || part.startsWith('@')) {
      if (parts.at(-1) !== '@') parts.push('@');
    } else if (!part.startsWith('... on ')) parts.push(part);
  }
  return parts.join('.');
}

/** Response names of the root fields (aliases as the client wrote them); `__typename` and placeholders skipped. */
function rootNames(document: DocumentNode, selectionSet: SelectionSetNode, seen: Set<string>): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) {
      const name = selection.alias?.value ?? selection.name.value;
      return name.startsWith('__') ? [] : [name];
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootNames(document, selection.selectionSet, seen);
    const name = selection.name.value;
    if (seen.has(name)) return [];
    seen.add(name);
    const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name);
    return fragment && fragment.kind === Kind.FRAGMENT_DEFINITION ? rootNames(document, fragment.selectionSet, seen) : [];
  });
}

/**
 * Decides per request whether the caller gets provenance (`bizgraph-provenance` header, else the
 * `PROVENANCE` default) and adds `extensions.sources` to its answer: the fetches that happened,
 * nothing else, so fields denied before planning never appear. Never present when not requested.
 */
export function provenancePlugin(config: ProvenanceConfig = readProvenanceConfig(process.env)): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const wanted = parseProvenanceHeader(request.http?.headers.get(PROVENANCE_HEADER)) ?? config.defaultOn;
      if (!wanted) return;
      // The slot's presence is the request for provenance; the data source's fetches fill it.
      (contextValue.freshness ??= {}).provenance = new Map();
      return {
        async willSendResponse({ contextValue: context, response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, sources: sourcesOf(context) };
        },
      };
    },
  };
}
