import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestLineLogger } from './logger.js';
import { graphqlRequestLogPlugin, registerRequestLog } from './request-log.js';

/** One fastify app with a tiny GraphQL schema, logging into an array. */
const raw: string[] = [];
const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ logger: false });
  const logger = createRequestLineLogger('test', { env: { LOG_LEVEL: 'debug' }, destination: { write: (line: string) => void raw.push(line) } });
  const requestLog = registerRequestLog(app, { logger, requestId: (request) => (request.headers['x-request-id'] as string | undefined) ?? request.id });
  const apollo = new ApolloServer({
    typeDefs: /* GraphQL */ `
      type Query {
        hello: String
        boom: String
      }
    `,
    resolvers: {
      Query: {
        hello: () => 'world',
        boom: () => {
          throw new GraphQLError('no', { extensions: { code: 'UPSTREAM_ERROR' } });
        },
      },
    },
    plugins: [graphqlRequestLogPlugin()],
    allowBatchedHttpRequests: true,
  });
  await apollo.start();
  // The context links each operation to its request's line (no AsyncLocalStorage).
  const context = async (request: FastifyRequest) => {
    const built = {};
    requestLog.attach(built, request);
    return built;
  };
  app.route({ url: '/graphql', method: ['GET', 'POST'], handler: fastifyApolloHandler(apollo, { context }) });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/fail', async () => {
    throw new Error('internal');
  });
  await app.ready();
});
afterAll(() => app.close());

const post = (id: string, body: unknown) =>
  app.inject({ method: 'POST', url: '/graphql?debug=1', headers: { 'content-type': 'application/json', 'x-request-id': id }, payload: body as object });
const of = (id: string) => lines().filter((line) => line.requestId === id);

describe('registerRequestLog', () => {
  it('writes one info line per GraphQL request with operation, outcome and error codes, and no query string', async () => {
    await post('a', { query: 'query Partial { hello boom }' });
    expect(of('a')).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        service: 'test',
        requestId: 'a',
        method: 'POST',
        path: '/graphql',
        status: 200,
        durationMs: expect.any(Number),
        operationName: 'Partial',
        operationType: 'query',
        outcome: 'partial',
        errorCodes: ['UPSTREAM_ERROR'],
        msg: 'request',
      },
    ]);
  });

  it('lists the operations of a batch under one line', async () => {
    await post('b', [{ query: 'query One { hello }' }, { query: 'query Two { boom }' }]);
    expect(of('b')).toEqual([
      expect.objectContaining({
        status: 200,
        outcome: 'partial',
        errorCodes: ['UPSTREAM_ERROR'],
        operations: [
          { operationName: 'One', operationType: 'query', outcome: 'ok', errorCodes: [] },
          { operationName: 'Two', operationType: 'query', outcome: 'partial', errorCodes: ['UPSTREAM_ERROR'] },
        ],
      }),
    ]);
  });

  it('logs a request refused before any operation ran with the codes of its answer', async () => {
    await post('c', { query: '{ nope }' });
    expect(of('c')).toEqual([expect.objectContaining({ status: 400, outcome: 'rejected', errorCodes: ['GRAPHQL_VALIDATION_FAILED'] })]);
  });

  it('logs probes at debug and server errors at error', async () => {
    await app.inject({ url: '/healthz', headers: { 'x-request-id': 'd' } });
    await app.inject({ url: '/fail', headers: { 'x-request-id': 'e' } });
    expect(of('d')).toEqual([expect.objectContaining({ level: 'debug', method: 'GET', path: '/healthz', status: 200 })]);
    expect(of('e')).toEqual([expect.objectContaining({ level: 'error', path: '/fail', status: 500 })]);
  });
});
