import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { getOperationAST, parse, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../../schema/tools/compose.js';
import { readGatewayConfig } from '../config.js';
import { createInternalTokenSigner } from '../auth/internal-token.js';
import { SubgraphDataSource } from '../datasource/subgraph-data-source.js';
import { createUndiciFetcher, type UndiciFetcher } from '../datasource/undici-fetcher.js';
import { policyFor } from '../datasource/resilience-config.js';
import { createVersionFactory, type VersionFactory, type VersionFactoryOptions } from './version.js';
import { createSupergraphVersions, type SupergraphVersions } from './versions.js';
import { pollSupergraph } from './poll.js';

/**
 * The versioned gateway in process, with the real @apollo/gateway and data sources over HTTP to a
 * stand-in subgraph: a request validated on a version is executed by that version even when a
 * newer one, without the field it asks for, became active in between.
 */
const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])';
let server: Server;
let url: string;
let dataDir: string;
let fetcher: UndiciFetcher;
let factory: VersionFactory;
let createDataSource: VersionFactoryOptions['createDataSource'];
let versions: SupergraphVersions;
let executor: GatewayExecutor;
const announced: GraphQLSchema[] = [];

/** Served at /supergraph.graphql, for polling a URL. */
let servedSupergraph = '';

/** Answers each root field it is asked for (`a`, `b`) with its name in capitals, `__typename` too. */
function standInSubgraph(request: IncomingMessage, response: ServerResponse) {
  if (request.method === 'GET' && request.url === '/supergraph.graphql') return void response.writeHead(200).end(servedSupergraph);
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const query = String(JSON.parse(body).query);
    const data: Record<string, string> = { __typename: 'Query' };
    for (const field of ['a', 'b', 'n']) if (new RegExp(`\\b${field}\\b`).test(query)) data[field] = field.toUpperCase();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
  });
}

function supergraphWith(fields: string, numbers?: string): string {
  const subgraph = (name: string, fieldsOf: string) => ({ name, url: `${url}/${name}`, file: `${name}.graphql`, sdl: `${FEDERATION}\ntype Query { ${fieldsOf} }` });
  const { supergraphSdl, errors } = composeSupergraph([subgraph('letters', fields), ...(numbers ? [subgraph('numbers', numbers)] : [])]);
  if (!supergraphSdl) throw new Error(errors.join('\n'));
  return supergraphSdl;
}

function requestOn(schema: GraphQLSchema, query: string): GatewayGraphQLRequestContext {
  const document = parse(query);
  return {
    request: { query },
    schema,
    document,
    operation: getOperationAST(document)!,
    operationName: null,
    queryHash: query,
    source: query,
    context: { requestId: 'r1', principal: null },
    metrics: {},
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  } as unknown as GatewayGraphQLRequestContext;
}

beforeAll(async () => {
  server = createServer(standInSubgraph);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-versions-'));
  const config = readGatewayConfig({}, ['--supergraph', join(dataDir, 'supergraph.graphql')]);
  fetcher = createUndiciFetcher({ connections: 4, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, compression: false });
  const internalTokens = await createInternalTokenSigner({ dataDir });
  createDataSource = (subgraph) =>
    new SubgraphDataSource({
      ...subgraph,
      subgraph: subgraph.name,
      policy: policyFor(config.resilience, 'LETTERS'),
      requestDeadlineMs: 5000,
      fetch: fetcher.fetch,
      internalTokens,
    });
  factory = createVersionFactory({ config, createDataSource });
  versions = createSupergraphVersions(factory.prepare(supergraphWith('a: String b: String')), factory);
  versions.gateway.onSchemaLoadOrUpdate(({ apiSchema }) => announced.push(apiSchema));
  executor = (await versions.gateway.load({ apollo: {} as never })).executor!;
});
afterAll(async () => {
  await versions?.gateway.stop();
  await fetcher?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('supergraph versions', () => {
  it('announces the first version to Apollo Server during load and serves it', async () => {
    const first = versions.active();
    expect(announced).toEqual([first.apiSchema]);
    expect(versions.subgraphNames()).toEqual(['letters']);
    expect(await executor(requestOn(first.apiSchema, '{ a b }'))).toEqual({ data: { a: 'A', b: 'B' } });
  });

  it('finishes a request validated on the previous version on that version, after the swap', async () => {
    const first = versions.active();
    const inFlight = requestOn(first.apiSchema, '{ b }');
    const second = await versions.apply(factory.prepare(supergraphWith('a: String')));

    expect(versions.active()).toBe(second);
    expect(announced.at(-1)).toBe(second.apiSchema);
    // Unchanged subgraph URL: the same data source (its breaker and statistics) carries over.
    expect(second.dataSources.get('letters')).toBe(first.dataSources.get('letters'));
    expect(versions.versionOf(first.apiSchema)).toBe(first);
    expect(await executor(inFlight)).toEqual({ data: { b: 'B' } });
    // A request on the new version is planned by it, where `b` no longer exists (Apollo Server's
    // validation refuses such a document before the executor; called directly, the planner throws).
    expect(await executor(requestOn(second.apiSchema, '{ a }'))).toEqual({ data: { a: 'A' } });
    await expect(executor(requestOn(second.apiSchema, '{ b }'))).rejects.toThrow('Cannot query field "b" on type "Query"');
  });

  it('gives a subgraph added by a new version a data source (URL override applied), and drops it when removed', async () => {
    const config = readGatewayConfig({ SUBGRAPH_NUMBERS_URL: `${url}/numbers-override` }, ['--supergraph', join(dataDir, 'supergraph.graphql')]);
    const overridden = createVersionFactory({ config, createDataSource });
    const added = await versions.apply(overridden.prepare(supergraphWith('a: String', 'n: String')));
    expect(versions.subgraphNames()).toEqual(['letters', 'numbers']);
    expect(added.dataSources.get('numbers')?.url).toBe(`${url}/numbers-override`);
    expect(await executor(requestOn(added.apiSchema, '{ a n }'))).toEqual({ data: { a: 'A', n: 'N' } });

    const removed = await versions.apply(factory.prepare(supergraphWith('a: String')));
    expect(versions.subgraphNames()).toEqual(['letters']);
    expect([...removed.dataSources.keys()]).toEqual(['letters']);
  });

  it('changes nothing when a version cannot be built', async () => {
    const active = versions.active();
    const count = announced.length;
    expect(() => factory.prepare('type Query { a: String }')).toThrow('is not a Federation 2 supergraph');
    const broken = factory.prepare(supergraphWith('a: String c: String').replace('c: String', 'c: Missing'));
    await expect(versions.apply(broken)).rejects.toThrow(/Missing/);
    expect(versions.active()).toBe(active);
    expect(announced.length).toBe(count);
  });
});

describe('supergraph polling', () => {
  it('applies a changed file, refuses an invalid one once, and keeps serving when the file is unreadable', async () => {
    const path = join(dataDir, 'polled.graphql');
    writeFileSync(path, supergraphWith('a: String'));
    const polling = pollSupergraph({ source: { location: path, kind: 'file', variable: '--supergraph' }, intervalMs: 0, versions, factory });
    const serving = versions.active();
    expect(await polling.check()).toBe('unchanged');

    writeFileSync(path, 'type Query { a: String }');
    expect(await polling.check()).toBe('refused');
    expect(polling.status).toMatchObject({ applied: 0, refusals: 1, refused: { reason: expect.stringContaining('is not a Federation 2 supergraph') } });
    // The same refused text is not built (nor logged, nor counted) again.
    expect(await polling.check()).toBe('unchanged');
    expect(polling.status.refusals).toBe(1);
    expect(versions.active()).toBe(serving);

    writeFileSync(path, supergraphWith('a: String d: String'));
    expect(await polling.check()).toBe('applied');
    expect(versions.active().apiSchema.getQueryType()?.getFields()).toHaveProperty('d');
    expect(polling.status).toMatchObject({ applied: 1, refusals: 1 });

    rmSync(path);
    const applied = versions.active();
    expect(await polling.check()).toBe('unreadable');
    expect(versions.active()).toBe(applied);
    await polling.close();
  });

  it('polls a URL on its interval', async () => {
    servedSupergraph = supergraphWith('a: String e: String');
    const polling = pollSupergraph({ source: { location: `${url}/supergraph.graphql`, kind: 'url', variable: 'BIZGRAPH_SUPERGRAPH' }, intervalMs: 50, versions, factory });
    const until = Date.now() + 20_000;
    while (polling.status.applied === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    await polling.close();
    expect(polling.status).toMatchObject({ applied: 1, refusals: 0, refused: null });
    expect(versions.active().apiSchema.getQueryType()?.getFields()).toHaveProperty('e');
  });
});

describe('SUPERGRAPH_POLL_INTERVAL_MS', () => {
  it('defaults to 2000, accepts 0 (off) and refuses anything but a whole number of milliseconds, naming the variable', () => {
    const argv = ['--supergraph', '/s.graphql'];
    expect(readGatewayConfig({}, argv).supergraphPollIntervalMs).toBe(2000);
    expect(readGatewayConfig({ SUPERGRAPH_POLL_INTERVAL_MS: '0' }, argv).supergraphPollIntervalMs).toBe(0);
    for (const bad of ['-1', '1.5', 'soon']) {
      expect(() => readGatewayConfig({ SUPERGRAPH_POLL_INTERVAL_MS: bad }, argv)).toThrow(`SUPERGRAPH_POLL_INTERVAL_MS: expected an integer between 0 and 3600000, got "${bad}"`);
    }
  });
});
