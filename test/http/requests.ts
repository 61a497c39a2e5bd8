import { createHash } from 'node:crypto';
import type { Random } from '../execution/random.js';

/**
 * Generated `/graphql` HTTP requests for the HTTP layer's differential test: well-formed and
 * malformed, over every branch a GraphQL-over-HTTP layer decides on (method, content type, CSRF
 * headers, `accept`, body shape and field types, query string, batches, persisted queries, a
 * refused context), against the small schema of `graphql-http-differential.test.ts`.
 */

export interface GeneratedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string>;
  /** Sent as is (already serialised), when present. */
  payload?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const QUERIES = [
  '{ hello }',
  'query Greet($name: String) { hello(name: $name) }',
  'query Greet($name: String!) { hello(name: $name) }',
  'mutation Bump { bump }',
  '{ hello',
  '{ nope }',
  'query A { hello } query B { answer }',
  'query Teapot { hello }',
  '{ fail }',
  '{ answer hello(name: "é€😀") }',
  '',
  'subscription S { hello }',
];

const OPERATION_NAMES = [undefined, 'A', 'B', 'Greet', 'Missing', 'Teapot', '', 42, null];
const VARIABLES = [undefined, {}, { name: 'Ada' }, { name: 5 }, null, 'not-an-object', '{"name":"x"}', [1], { other: true }];
const EXTENSIONS = [undefined, {}, null, 'text', [1]];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  ' Application/JSON ',
  'text/plain',
  'TEXT/PLAIN ; charset=x',
  'application/graphql-response+json',
  'garbage',
  'application/',
  undefined,
];
const ACCEPTS = [
  undefined,
  '*/*',
  'application/json',
  'application/graphql-response+json',
  'application/graphql-response+json, application/json;q=0.9',
  'text/html',
  'application/*',
  'image/png, */*;q=0.1',
  'application/json; callbackSpec=1.0',
  '',
];

export function generateRequest(random: Random): GeneratedRequest {
  const headers: Record<string, string> = {};
  const contentType = random.pick(CONTENT_TYPES);
  if (contentType !== undefined) headers['content-type'] = contentType;
  const accept = random.pick(ACCEPTS);
  if (accept !== undefined) headers.accept = accept;
  if (random.chance(0.2)) headers['apollo-require-preflight'] = random.pick(['true', '']);
  if (random.chance(0.1)) headers.authorization = 'Bearer refused';
  if (random.chance(0.1)) headers['x-apollo-operation-name'] = 'Greet';

  const method = random.pick(['POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'DELETE']);
  if (method === 'GET') return { method, url: `/graphql${searchFor(random)}`, headers };
  if (!headers['content-type']?.toLowerCase().includes('json')) {
    // fastify parses JSON bodies only; text/plain arrives as a string.
    return { method, url: '/graphql', headers, payload: random.chance(0.5) ? '{ hello }' : JSON.stringify(operationFor(random)) };
  }
  const roll = random.next();
  let body: unknown;
  if (roll < 0.55) body = operationFor(random);
  else if (roll < 0.75) body = Array.from({ length: random.int(4) }, () => (random.chance(0.85) ? operationFor(random) : random.pick([5, 'x', null, {}])));
  else body = random.pick([{}, 5, 'text', null, { query: { kind: 'Document', definitions: [] } }, { query: 7 }, { variables: {} }]);
  return { method, url: random.chance(0.1) ? '/graphql?ignored=1' : '/graphql', headers, payload: JSON.stringify(body) };
}

function operationFor(random: Random): Record<string, unknown> {
  const operation: Record<string, unknown> = {};
  const query = random.pick(QUERIES);
  const persisted = random.next();
  if (persisted < 0.1) {
    // A persisted query by hash: unknown, or registered by an earlier request.
    operation.extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    if (random.chance(0.5)) operation.query = query;
  } else if (persisted < 0.13) {
    operation.query = query;
    operation.extensions = { persistedQuery: { version: 1, sha256Hash: sha256('another query') } };
  } else {
    if (random.chance(0.95)) operation.query = query;
    const extensions = random.pick(EXTENSIONS);
    if (extensions !== undefined) operation.extensions = extensions;
  }
  const operationName = random.pick(OPERATION_NAMES);
  if (operationName !== undefined) operation.operationName = operationName;
  const variables = random.pick(VARIABLES);
  if (variables !== undefined) operation.variables = variables;
  return operation;
}

function searchFor(random: Random): string {
  const params: string[] = [];
  const add = (name: string, value: string) => params.push(`${name}=${encodeURIComponent(value)}`);
  if (random.chance(0.9)) add('query', random.pick(QUERIES));
  if (random.chance(0.05)) add('query', '{ answer }');
  if (random.chance(0.3)) add('operationName', String(random.pick(OPERATION_NAMES)));
  if (random.chance(0.3)) add('variables', random.pick(['{"name":"Ada"}', '{bad json', '[1]', '"text"', 'null']));
  if (random.chance(0.15)) add('extensions', random.pick(['{}', '{"persistedQuery":{"version":1,"sha256Hash":"abc"}}', 'nope']));
  if (params.length === 0) return random.chance(0.5) ? '' : '?';
  return `?${params.join('&')}`;
}
