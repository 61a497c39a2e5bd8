import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { graphql } from './helpers/graphql.js';
import { devToken, mountedSigningKeyFile } from './helpers/tokens.js';
import { eventually, startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';

/**
 * Error masking on the ACME supergraph: `inventoryFailure` throws an error without a code (what
 * production must mask); the reviews subgraph is pointed at the fixture's `/failing`, which answers
 * 500 with a registry error (UPSTREAM_ERROR, which must pass through).
 */
const UNEXPECTED = '{ inventoryFailure }';
const SECRET = 'disk /var/acme/inventory.db is corrupt';
const UPSTREAM_ERROR = {
  message: 'feedback store is read-only',
  extensions: { code: 'UPSTREAM_ERROR', system: 'feedback', subgraph: 'reviews', serviceName: 'reviews' },
};
const PRODUCTS_WITHOUT_REVIEWS = {
  products: [
    { id: 'p1', reviews: null },
    { id: 'p2', reviews: null },
    { id: 'p3', reviews: null },
  ],
};

describe('error masking', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-masking-'));
  let inventory: ServiceProcess;
  let development: ServiceProcess;
  let debugging: ServiceProcess;
  let production: ServiceProcess;
  const ask = async (gateway: ServiceProcess, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) => {
    const { status, body } = await graphql(gateway.url, query, variables, headers);
    return { status, body };
  };

  beforeAll(async () => {
    await devToken(dataDir, { preset: 'admin' }); // creates the issuer key the production gateway trusts
    inventory = await startAcme('inventory');
    const env = { BIZGRAPH_DATA_DIR: dataDir, SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${inventory.url}/failing` };
    [development, debugging, production] = await Promise.all([
      startGateway(env),
      startGateway({ ...env, DEBUG_ERRORS: '1' }),
      startGateway({ ...env, NODE_ENV: 'production', JWT_JWKS_URL: join(dataDir, 'keys', 'dev-issuer.jwks.json'), GATEWAY_SIGNING_KEY_FILE: await mountedSigningKeyFile(dataDir) }),
    ]);
  });
  afterAll(async () => {
    await stopAll([development, debugging, production, inventory]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('in production', () => {
    it('turns an unexpected error into "Internal error", still naming the subgraph, and logs the detail', async () => {
      const response = await ask(production, UNEXPECTED, { 'x-request-id': 'masking-1' });
      expect(response).toEqual({
        status: 200,
        body: {
          data: { inventoryFailure: null },
          errors: [{ message: 'Internal error', path: ['inventoryFailure'], extensions: { code: 'INTERNAL_SERVER_ERROR', subgraph: 'inventory', system: 'inventory' } }],
        },
      });
      expect(JSON.stringify(response.body)).not.toMatch(/acme|corrupt|stacktrace|at /);
      await eventually(async () => {
        const line = production
          .output()
          .split('\n')
          .find((entry) => entry.includes('"requestId":"masking-1"'));
        expect(line).toContain(SECRET);
      });
    });

    it("passes a subgraph's registry error through, without a stack trace", async () => {
      expect(await ask(production, '{ products { id reviews { id } } }')).toEqual({ status: 200, body: { data: PRODUCTS_WITHOUT_REVIEWS, errors: [UPSTREAM_ERROR] } });
    });

    it("passes the gateway's own codes through: UNAUTHENTICATED, OPERATION_LIMIT_EXCEEDED", async () => {
      const unauthenticated = await ask(production, '{ __typename }', { authorization: 'Bearer not-a-jwt' });
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.body.errors).toHaveLength(1);
      expect(Object.keys(unauthenticated.body.errors![0]!.extensions!)).toEqual(['code']);
      expect(unauthenticated.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');

      const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: __typename b${i}: inventoryRequestId`).join(' ');
      expect(await ask(production, `{ ${aliases} }`)).toEqual({
        status: 400,
        body: { errors: [{ message: 'Operation uses 16 aliases; the limit is 15', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'aliases', max: 15, found: 16 } }] },
      });
    });

    it('keeps GRAPHQL_PARSE_FAILED for a syntax error', async () => {
      expect(await ask(production, '{ products { id }')).toEqual({
        status: 400,
        body: { errors: [{ message: 'Syntax Error: Expected Name, found <EOF>.', locations: [{ line: 1, column: 18 }], extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] },
      });
    });

    it('keeps GRAPHQL_VALIDATION_FAILED for a validation error, without suggesting field names', async () => {
      expect(await ask(production, '{ produts { id } }')).toEqual({
        status: 400,
        body: { errors: [{ message: 'Cannot query field "produts" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] },
      });
    });

    it('keeps BAD_USER_INPUT for a missing variable', async () => {
      expect(await ask(production, 'query ($id: ID!) { product(id: $id) { id } }')).toEqual({
        status: 400,
        body: { errors: [{ message: 'Variable "$id" of required type "ID!" was not provided.', locations: [{ line: 1, column: 8 }], extensions: { code: 'BAD_USER_INPUT' } }] },
      });
    });
  });

  describe('in development', () => {
    it('keeps the detail of an unexpected error, without a stack trace (its absolute paths) unless DEBUG_ERRORS=1', async () => {
      const response = await ask(development, UNEXPECTED);
      expect(response).toEqual({
        status: 200,
        body: {
          data: { inventoryFailure: null },
          errors: [
            { message: SECRET, path: ['inventoryFailure'], extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', subgraph: 'inventory', system: 'inventory', serviceName: 'inventory' } },
          ],
        },
      });
    });

    it('with DEBUG_ERRORS=1, keeps the detail and the stack trace of an unexpected error', async () => {
      const response = await ask(debugging, UNEXPECTED);
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ inventoryFailure: null });
      expect(response.body.errors).toHaveLength(1);
      const [error] = response.body.errors!;
      expect(error).toMatchObject({
        message: SECRET,
        path: ['inventoryFailure'],
        extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', subgraph: 'inventory', system: 'inventory', serviceName: 'inventory' },
      });
      expect((error!.extensions!.stacktrace as string[])[0]).toBe(`GraphQLError: ${SECRET}`);
    });

    it('passes registry errors through without a stack trace, as in production', async () => {
      expect(await ask(development, '{ products { id reviews { id } } }')).toEqual({ status: 200, body: { data: PRODUCTS_WITHOUT_REVIEWS, errors: [UPSTREAM_ERROR] } });
    });

    it('keeps the same codes for syntax and validation errors, with suggestions', async () => {
      expect(await ask(development, '{ products { id }')).toEqual({
        status: 400,
        body: { errors: [{ message: 'Syntax Error: Expected Name, found <EOF>.', locations: [{ line: 1, column: 18 }], extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] },
      });
      expect(await ask(development, '{ produts { id } }')).toEqual({
        status: 400,
        body: {
          errors: [
            {
              message: 'Cannot query field "produts" on type "Query". Did you mean "products" or "product"?',
              locations: [{ line: 1, column: 3 }],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            },
          ],
        },
      });
    });
  });
});
