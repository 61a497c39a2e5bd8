import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads and parses a subgraph's `schema.graphql` once, at start: a syntax error stops the process. */
export function readSchema(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}
