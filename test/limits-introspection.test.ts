import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { graphql, http } from './helpers/graphql.js';
import { bearer, mountedSigningKeyFile } from './helpers/tokens.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { countRequestsTo, type UpstreamCounter } from './limits-upstream-counter.js';

/**
 * Introspection is open outside production; in production only with `schema:introspect`. Real
 * dev-issuer tokens; the production gateway trusts that issuer through its JWKS file.
 */
const SCHEMA_QUERY = '{ __schema { queryType { name } } }';
const FORBIDDEN = {
  status: 403,
  body: { errors: [{ message: 'Introspection requires the schema:introspect scope', extensions: { code: 'FORBIDDEN' } }] },
};

describe('introspection', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-introspection-'));
  let inventory: ServiceProcess;
  let reviews: ServiceProcess;
  let development: ServiceProcess;
  let production: ServiceProcess;
  let counter: UpstreamCounter;
  let admin: Record<string, string>;
  let introspector: Record<string, string>;
  let sales: Record<string, string>;
  const ask = async (gateway: ServiceProcess, query: string, headers: Record<string, string> = {}) => {
    const { status, body } = await graphql(gateway.url, query, undefined, headers);
    return { status, body };
  };

  beforeAll(async () => {
    // Tokens first: signing creates the dev issuer's key pair that the production gateway trusts.
    [admin, introspector, sales] = await Promise.all([
      bearer(dataDir, { preset: 'admin' }),
      bearer(dataDir, { scopes: 'schema:introspect' }),
      bearer(dataDir, { preset: 'sales' }),
    ]);
    [inventory, reviews] = await Promise.all([startAcme('inventory'), startAcme('reviews')]);
    counter = await countRequestsTo(inventory.url);
    const subgraphs = { BIZGRAPH_DATA_DIR: dataDir, SUBGRAPH_INVENTORY_URL: `${counter.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${reviews.url}/graphql` };
    [development, production] = await Promise.all([
      startGateway(subgraphs),
      startGateway({
        ...subgraphs,
        NODE_ENV: 'production',
        JWT_JWKS_URL: join(dataDir, 'keys', 'dev-issuer.jwks.json'),
        GATEWAY_SIGNING_KEY_FILE: await mountedSigningKeyFile(dataDir),
      }),
    ]);
  });
  afterAll(async () => {
    await stopAll([development, production, inventory, reviews]);
    await counter?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => counter.reset());

  it('is open to anonymous callers outside production', async () => {
    expect(await ask(development, SCHEMA_QUERY)).toEqual({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
    expect(await ask(development, '{ __type(name: "Review") { fields { name } } }')).toEqual({
      status: 200,
      body: { data: { __type: { fields: [{ name: 'id' }, { name: 'rating' }, { name: 'body' }] } } },
    });
  });

  it('is refused in production to anonymous callers with FORBIDDEN (403)', async () => {
    expect(await ask(production, SCHEMA_QUERY)).toEqual(FORBIDDEN);
    expect(await ask(production, '{ __type(name: "Product") { name } }')).toEqual(FORBIDDEN);
  });

  it('is refused in production to a token without schema:introspect', async () => {
    expect(await ask(production, SCHEMA_QUERY, sales)).toEqual(FORBIDDEN);
  });

  it('is allowed in production to a token with schema:introspect', async () => {
    for (const headers of [admin, introspector]) {
      expect(await ask(production, SCHEMA_QUERY, headers)).toEqual({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
    }
  });

  it('finds __schema and __type behind named and nested inline fragments', async () => {
    expect(await ask(production, '{ ...Meta } fragment Meta on Query { __schema { types { name } } }')).toEqual(FORBIDDEN);
    expect(await ask(production, '{ ... on Query { ... @include(if: true) { __type(name: "Query") { name } } } }')).toEqual(FORBIDDEN);
  });

  it('refuses the whole operation, fetching nothing, when introspection rides along with data', async () => {
    expect(await ask(production, `{ products { id } ${SCHEMA_QUERY.slice(1)}`)).toEqual(FORBIDDEN);
    expect(counter.count()).toBe(0);
  });

  it('always allows __typename', async () => {
    expect(await ask(production, '{ __typename product(id: "p1") { __typename id } }')).toEqual({
      status: 200,
      body: { data: { __typename: 'Query', product: { __typename: 'Product', id: 'p1' } } },
    });
    expect(counter.count()).toBe(1);
  });

  it('is decided per operation of a batch', async () => {
    const { status, body } = await http('POST', `${production.url}/graphql`, { body: [{ query: '{ __typename }' }, { query: SCHEMA_QUERY }] });
    // Apollo Server shares one HTTP status across a batch: the refused operation's.
    expect({ status, body }).toEqual({ status: 403, body: [{ data: { __typename: 'Query' } }, FORBIDDEN.body] });
  });
});
