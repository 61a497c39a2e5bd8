import { createHash } from 'node:crypto';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { SizedLru } from '../sized-lru.js';

/**
 * The parsed and validated documents of one schema, least recently used first out, bounded by the
 * size of their source text rather than their number (Apollo Server bounds its document store the
 * same way, at ~30 MiB of JSON). A parsed document takes roughly ten times its text, and keeps the
 * text itself (`loc.source`).
 */
export class DocumentCache extends SizedLru<DocumentNode> {
  override set(key: string, document: DocumentNode, sourceChars: number): void {
    // A document is the same for a key: kept where it is.
    if (!this.has(key)) super.set(key, document, sourceChars);
  }
}

/** Source text of the documents kept per schema: ~3 MiB of text, ~30 MiB parsed. */
const DOCUMENT_CHARS_PER_SCHEMA = 3 * 1024 * 1024;

/** One cache per schema (a supergraph version): a reloaded schema starts empty, a dropped one is collected. */
export function documentCachesBySchema(maxChars = DOCUMENT_CHARS_PER_SCHEMA): (schema: GraphQLSchema) => DocumentCache {
  const caches = new WeakMap<GraphQLSchema, DocumentCache>();
  return (schema) => {
    let cache = caches.get(schema);
    if (!cache) caches.set(schema, (cache = new DocumentCache(maxChars)));
    return cache;
  };
}

/** Hashes of short texts are kept (most requests repeat one seen a moment ago); longer ones are hashed each time. */
const HASHED_TEXTS_KEPT = 1000;
const MAX_KEPT_TEXT = 8 * 1024;

/** SHA-256 (hex) of a query text, remembered for recent short texts: at most ~8 MiB of text is held. */
export function queryHasher(): (query: string) => string {
  const hashes = new Map<string, string>();
  return (query) => {
    let hash = hashes.get(query);
    if (hash !== undefined) return hash;
    hash = createHash('sha256').update(query).digest('hex');
    if (query.length <= MAX_KEPT_TEXT) {
      if (hashes.size >= HASHED_TEXTS_KEPT) hashes.delete(hashes.keys().next().value!);
      hashes.set(query, hash);
    }
    return hash;
  };
}
