import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ProvenanceItem } from '../../../common/contracts/provenance.js';
import manifest from '../../../schema/persisted-operations.json';

/**
 * How the report asks the gateway: a typed document generated from schema/operations/reporting/,
 * sent as the exact text the safelist holds for it (so a gateway with PERSISTED_OPERATIONS=safelist
 * runs it), with provenance asked for (`extensions.sources`, the "as of" lines).
 */

export const CLIENT_NAME = 'reporting';

/** One entry of `extensions.sources`: which system served the values under `path`, and when. */
export interface Source extends ProvenanceItem {
  path: string;
}

export interface AnswerError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; system?: string; subgraph?: string; coordinate?: string };
}

export interface Answer<T> {
  data: T | null | undefined;
  errors: AnswerError[];
  sources: Source[];
}

const PERSISTED = new Map(manifest.operations.filter((operation) => operation.clientName === CLIENT_NAME).map((operation) => [operation.name, operation.body]));

function operationName(document: TypedDocumentNode<unknown, never>): string {
  const definition = document.definitions[0];
  if (definition?.kind !== 'OperationDefinition' || !definition.name) throw new Error('a report operation must be one named operation');
  return definition.name.value;
}

export async function runOperation<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables: V, token: string): Promise<Answer<T>> {
  const name = operationName(document as TypedDocumentNode<unknown, never>);
  const body = PERSISTED.get(name);
  // Only what `npm run persist` wrote is ever sent: an operation missing there is a build mistake.
  if (!body) throw new Error(`${name} is not in schema/persisted-operations.json: run npm run persist -- schema/operations`);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    'apollographql-client-name': CLIENT_NAME,
    'bizgraph-provenance': '1',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ operationName: name, query: body, variables }) });
  const text = await response.text();
  let parsed: { data?: T | null; errors?: AnswerError[]; extensions?: { sources?: Source[] } };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return { data: undefined, errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}`, extensions: { code: `HTTP_${response.status}` } }], sources: [] };
  }
  return { data: parsed.data, errors: parsed.errors ?? [], sources: parsed.extensions?.sources ?? [] };
}

/** Every page of a connection, merged: `pageOf` picks the connection out of one answer. */
export async function runAllPages<T, V extends Record<string, unknown> & { after?: string | null }, N>(
  document: TypedDocumentNode<T, V>,
  variables: Omit<V, 'after'>,
  token: string,
  pageOf: (data: T) => { nodes: N[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null | undefined,
): Promise<Answer<N[]>> {
  const nodes: N[] = [];
  const errors: AnswerError[] = [];
  const sources: Source[] = [];
  let after: string | null = null;
  // A bound on pages keeps a gateway that never says "last page" from looping the tab forever.
  for (let page = 0; page < 200; page++) {
    const answer: Answer<T> = await runOperation(document, { ...variables, after } as V, token);
    errors.push(...answer.errors);
    sources.push(...answer.sources);
    const connection = answer.data ? pageOf(answer.data) : undefined;
    if (!connection) return { data: page === 0 ? null : nodes, errors, sources };
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return { data: nodes, errors, sources };
}
