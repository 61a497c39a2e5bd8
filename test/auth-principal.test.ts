import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internalSignatureCount } from '../gateway/src/auth/internal-token.js';
import { PRESETS } from '../gateway/src/auth/presets.js';
import { readGatewayConfig } from '../gateway/src/config.js';
import { createGateway, type Gateway } from '../gateway/src/server.js';
import type { BaseContext } from '../subgraphs/shared/context.js';
import { createSubgraphServer, type SubgraphServer } from '../subgraphs/shared/server.js';
import { generateDataset } from '../systems/seed/generate.js';
import { freePort } from './fixtures/acme/harness.js';
import { graphql } from './helpers/graphql.js';
import { devToken } from './helpers/tokens.js';

/**
 * The principal's whole path, in process: user JWT → gateway → internal token → subgraph context.
 * The `whoami` subgraph is built here with the shared subgraph server and echoes its context, so
 * what the subgraph sees is asserted without a test hook in product code. The subgraph fetches
 * the gateway's key from `/.well-known/internal-jwks.json` (GATEWAY_JWKS_URL).
 */
const WHOAMI_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
  type Query {
    whoami: Whoami!
  }
  type Whoami {
    anonymous: Boolean!
    subject: String
    scopes: [String!]
    customerId: String
    email: String
    requestId: String!
  }
`;
const WHOAMI = '{ whoami { anonymous subject scopes customerId email requestId } }';

const resolvers = {
  Query: {
    whoami: (_: unknown, __: unknown, { principal, requestId }: BaseContext) => ({
      anonymous: principal === null,
      subject: principal?.subject ?? null,
      scopes: principal?.scopes ?? null,
      customerId: principal?.customerId ?? null,
      email: principal?.email ?? null,
      requestId,
    }),
  },
};

let dataDir: string;
let subgraph: SubgraphServer;
let subgraphUrl: string;
let gateway: Gateway;
let gatewayUrl: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-principal-'));
  const gatewayPort = await freePort();
  subgraph = await createSubgraphServer<BaseContext>({
    name: 'whoami',
    typeDefs: parse(WHOAMI_SDL),
    resolvers,
    production: false,
    createContext: (base) => base,
    gatewayJwks: { kind: 'url', url: `http://127.0.0.1:${gatewayPort}/.well-known/internal-jwks.json` },
  });
  subgraphUrl = `${await subgraph.listen(0, '127.0.0.1')}/graphql`;
  const { supergraphSdl, errors } = composeServices([{ name: 'whoami', typeDefs: parse(WHOAMI_SDL), url: subgraphUrl }]);
  if (!supergraphSdl) throw new Error(`composition failed: ${errors?.map((error) => error.message).join('\n')}`);
  const supergraphFile = join(dataDir, 'supergraph.graphql');
  writeFileSync(supergraphFile, supergraphSdl);
  const config = readGatewayConfig({ NODE_ENV: 'test', BIZGRAPH_DATA_DIR: dataDir, SUBGRAPH_WHOAMI_URL: subgraphUrl }, ['--supergraph', supergraphFile]);
  gateway = await createGateway(config);
  gatewayUrl = `${await gateway.listen(gatewayPort, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  await gateway?.close();
  await subgraph?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const as = async (preset: 'portal' | 'sales' | 'finance') => ({ authorization: `Bearer ${await devToken(dataDir, { preset })}` });

describe('the principal at the subgraph', () => {
  it("carries a portal user's subject, scopes, customer_id and email, and the request id", async () => {
    const email = generateDataset().customers.find((customer) => customer.id === 'cus_0001')!.email;
    const response = await graphql(gatewayUrl, WHOAMI, undefined, { ...(await as('portal')), 'x-request-id': 'req-whoami-1' });
    expect(response.body).toEqual({
      data: { whoami: { anonymous: false, subject: 'dev-portal', scopes: [...PRESETS.portal.scopes], customerId: 'cus_0001', email, requestId: 'req-whoami-1' } },
    });
  });

  it('is null for an anonymous caller', async () => {
    const response = await graphql(gatewayUrl, WHOAMI, undefined, { 'x-request-id': 'req-anon' });
    expect(response.body).toEqual({ data: { whoami: { anonymous: true, subject: null, scopes: null, customerId: null, email: null, requestId: 'req-anon' } } });
  });

  it('costs one signature per principal and subgraph across many requests', async () => {
    const sales = await as('sales');
    const before = internalSignatureCount();
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => graphql(gatewayUrl, WHOAMI, undefined, sales)));
    for (let i = 0; i < 10; i++) expect((await graphql(gatewayUrl, WHOAMI, undefined, sales)).body.data?.whoami.subject).toBe('dev-sales');
    expect(concurrent.map((response) => response.body.data?.whoami.scopes)).toEqual(Array(10).fill([...PRESETS.sales.scopes]));
    expect(internalSignatureCount() - before).toBe(1);
    // Another user token of the same principal reuses the internal token; another principal does not.
    const otherToken = await devToken(dataDir, { preset: 'sales', ttlSeconds: 1800 });
    expect(`Bearer ${otherToken}`).not.toBe(sales.authorization);
    await graphql(gatewayUrl, WHOAMI, undefined, { authorization: `Bearer ${otherToken}` });
    expect(internalSignatureCount() - before).toBe(1);
    await graphql(gatewayUrl, WHOAMI, undefined, await as('finance'));
    expect(internalSignatureCount() - before).toBe(2);
  });

  it('refuses a direct call with the user token (401)', async () => {
    const response = await graphql(subgraphUrl, WHOAMI, undefined, await as('portal'));
    expect(response).toMatchObject({
      status: 401,
      body: { errors: [{ message: 'Unauthenticated: internal token not signed by the gateway', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });
});
