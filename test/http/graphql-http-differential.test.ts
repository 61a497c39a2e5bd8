import { createHash } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { buildSchema, execute, GraphQLError, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAnswer, stringifyAnswer } from '../../gateway/src/answer-bytes.js';
import { createFormatError } from '../../gateway/src/errors.js';
import { createGraphQLHandler } from '../../gateway/src/http/graphql-handler.js';
import { createOperationPipeline, installedPlugins } from '../../gateway/src/http/operation-pipeline.js';
import { createRandom, hashString } from '../execution/random.js';
import { generateRequest, type GeneratedRequest } from './requests.js';

/**
 * The gateway's own HTTP layer and operation pipeline (`gateway/src/http/`) against what they
 * replace (`@as-integrations/fastify` + Apollo Server's `executeHTTPGraphQLRequest` and request
 * pipeline): both serve a gateway over the same schema and executor, and each generated request
 * goes to both; status, content type, the headers plugins and refusals set, and the body must be
 * the same. Run longer, with another seed:
 *   HTTP_DIFF_SEED=random HTTP_DIFF_CASES=20000 npx vitest run test/http
 */

const requestedSeed = process.env.HTTP_DIFF_SEED;
const SEED = requestedSeed === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(requestedSeed ?? 20261205);
const CASES = Number(process.env.HTTP_DIFF_CASES ?? 3000);

const schema = buildSchema(`
  type Query { hello(name: String): String, answer: Int, fail: String }
  type Mutation { bump: Int }
`);
const rootValue = {
  hello: ({ name }: { name?: string }) => `hello ${name ?? 'world'}`,
  answer: () => 42,
  fail: () => {
    throw new Error('resolver failed');
  },
  bump: () => 1,
};

/**
 * The gateway's executor stand-in: graphql-js over the schema; `answer` makes the answer cacheable
 * (cache control). Like both real executors (their introspection pass), it gives graphql-js no
 * context: Apollo Server's per-field plugin hooks (`willResolveField`) never run in a gateway.
 */
const executor: GatewayExecutor = async (requestContext) => {
  if (requestContext.source.includes('answer')) requestContext.overallCachePolicy.restrict({ maxAge: 30, scope: 'PRIVATE' });
  const result = (await execute({
    schema,
    document: requestContext.document,
    rootValue,
    variableValues: requestContext.request.variables,
    operationName: requestContext.request.operationName,
  })) as ExecutionResult;
  return result as never;
};

const gateway: GatewayInterface = {
  async load() {
    return { executor };
  },
  onSchemaLoadOrUpdate(callback) {
    callback({ apiSchema: schema, coreSupergraphSdl: '' });
    return () => undefined;
  },
  async stop() {},
};

/** Sets what operations may set on the answer's head: a header and, for `Teapot`, a status. */
const headPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ operationName, response }) {
        response.http.headers.set('x-operation', operationName ?? 'none');
        if (operationName === 'Teapot') response.http.status = 418;
      },
    };
  },
};

const context = async (request: FastifyRequest) => {
  if (request.headers.authorization === 'Bearer refused') throw new GraphQLError('token refused', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  return {};
};

/**
 * One Apollo Server per side, configured alike: each sees the same requests in the same order, so
 * their persisted-query caches stay alike too (a shared one would let a batch that registers a
 * query concurrently with its lookup answer differently the second time).
 */
async function serveBoth(production: boolean): Promise<FastifyInstance> {
  // As server.ts: no landing page (Apollo's loads its explorer from a CDN).
  const plugins = [ApolloServerPluginLandingPageDisabled(), headPlugin];
  const formatError = createFormatError(production);
  const startApollo = async () => {
    const apollo = new ApolloServer({
      gateway,
      plugins,
      formatError,
      includeStacktraceInErrorResponses: !production,
      allowBatchedHttpRequests: true,
      stringifyResult: stringifyAnswer,
    });
    await apollo.start();
    return apollo;
  };
  const [theirs, mine] = [await startApollo(), await startApollo()];
  const app = Fastify();
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  app.route({ url: '/apollo/graphql', method: methods, onSend: [encodeAnswer], handler: fastifyApolloHandler(theirs, { context }) });
  const includeStacktrace = !production;
  const runOperation = createOperationPipeline({
    plugins: installedPlugins(mine),
    current: () => ({ schema, executor }),
    persistedQueries: { cache: mine.cache },
    validationRules: [],
    parseOptions: undefined,
    formatError,
    includeStacktrace,
    logger: mine.logger,
    cache: mine.cache,
  });
  const ours = createGraphQLHandler({ runOperation, plugins: installedPlugins(mine), context, formatError, includeStacktrace, stringify: stringifyAnswer });
  app.route({ url: '/ours/graphql', method: methods, onSend: [encodeAnswer], handler: ours });
  app.addHook('onClose', async () => {
    await Promise.all([theirs.stop(), mine.stop()]);
  });
  return app;
}

interface Seen {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
}

/** The headers an answer's head may carry: content type, refusals' `allow`, cache control, a plugin's own. */
const COMPARED_HEADERS = ['content-type', 'allow', 'cache-control', 'x-operation'];

async function send(app: FastifyInstance, prefix: string, request: GeneratedRequest): Promise<Seen> {
  const response = await app.inject({ method: request.method as 'GET', url: `${prefix}${request.url}`, headers: request.headers, payload: request.payload });
  const body = withoutStackFrames(parsed(response.payload));
  // The operations of a batch run concurrently and write one shared head (status, each plugin's
  // headers): which of them writes last is a race in Apollo Server as here, so a batch answer's
  // head is compared for its content type only. Its body is compared whole.
  const batch = Array.isArray(body);
  return {
    status: batch ? 0 : response.statusCode,
    headers: Object.fromEntries(COMPARED_HEADERS.filter((name) => !batch || name === 'content-type').map((name) => [name, response.headers[name]])),
    body,
  };
}

/**
 * Where the gateway answers on purpose unlike Apollo Server (issue 14: a client's mistake gets a
 * 4xx with a code of its own), Apollo's answer is rewritten to what the gateway promises, so
 * everything else about the answer is still compared. Only for the exact cases, both of which
 * Apollo answers 400 coded INTERNAL_SERVER_ERROR ("Internal error" in production): a persisted
 * query of a version other than 1, and a hash sent with a text it is not the hash of.
 */
function withDocumentedDeviations(apollo: Seen, request: GeneratedRequest): Seen {
  const sent = request.payload === undefined ? Object.fromEntries(new URLSearchParams(request.url.split('?')[1] ?? '')) : parsed(request.payload);
  if (Array.isArray(apollo.body) && Array.isArray(sent)) return { ...apollo, body: apollo.body.map((answer, index) => deviation(answer, sent[index])) };
  if (apollo.status !== 400) return apollo;
  return { ...apollo, body: deviation(apollo.body, sent) };
}

function deviation(answer: unknown, sent: unknown): unknown {
  const errors = (answer as { errors?: Array<{ extensions?: Record<string, unknown> }> } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length !== 1 || errors[0]!.extensions?.code !== 'INTERNAL_SERVER_ERROR') return answer;
  if (!sent || typeof sent !== 'object' || Array.isArray(sent)) return answer;
  const { query, extensions } = sent as { query?: unknown; extensions?: unknown };
  const persisted = ((typeof extensions === 'string' ? parsed(extensions) : extensions) as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  if (!persisted) return answer;
  if (persisted.version !== 1) return { errors: [{ message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } }] };
  if (typeof query === 'string' && persisted.sha256Hash !== createHash('sha256').update(query).digest('hex')) {
    return { errors: [{ message: 'provided sha does not match query', extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } }] };
  }
  return answer;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Stack traces differ below their first line (the layers' own frames); the first line names the error. */
function withoutStackFrames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutStackFrames);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'stacktrace' && Array.isArray(inner) ? inner.slice(0, 1) : withoutStackFrames(inner)]));
}

describe.each([
  ['development', false],
  ['production', true],
])('the gateway HTTP layer and operation pipeline answer as @as-integrations/fastify + Apollo Server (%s)', (_mode, production) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await serveBoth(production);
  });
  afterAll(() => app.close());

  it('gives a batch one head that every operation writes to, as Apollo Server does', async () => {
    for (const prefix of ['/apollo', '/ours']) {
      const payload = JSON.stringify([{ query: '{ hello }' }, { query: 'query Teapot { answer }' }, { query: '{ answer }' }]);
      const response = await app.inject({ method: 'POST', url: `${prefix}/graphql`, headers: { 'content-type': 'application/json' }, payload });
      // Teapot's status reaches the batch answer; the plugin's header is set (by whichever wrote last).
      expect(response.statusCode, prefix).toBe(418);
      expect(['none', 'Teapot'], prefix).toContain(response.headers['x-operation']);
      expect(JSON.parse(response.payload), prefix).toEqual([{ data: { hello: 'hello world' } }, { data: { answer: 42 } }, { data: { answer: 42 } }]);
    }
  });

  it(`gives the same status, headers and body on ${CASES} generated requests (seed ${SEED})`, async () => {
    const random = createRandom(hashString(`${SEED}:${production}`));
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    for (let index = 0; index < CASES; index++) {
      const request = generateRequest(random);
      const apollo = withDocumentedDeviations(await send(app, '/apollo', request), request);
      const ours = await send(app, '/ours', request);
      if (JSON.stringify(ours) !== JSON.stringify(apollo)) {
        expect({ case: index, seed: SEED, request, answer: ours }).toEqual({ case: index, seed: SEED, request, answer: apollo });
      }
      if (apollo.status !== 0) statuses.set(apollo.status, (statuses.get(apollo.status) ?? 0) + 1);
      for (const match of JSON.stringify(apollo.body).matchAll(/"code":"([A-Z_]+)"/g)) codes.add(match[1]!);
    }
    // The generator reaches every branch worth comparing: answers, refusals and each HTTP status and code.
    for (const status of [200, 400, 401, 405, 406, 415, 418]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    const expected = [
      'BAD_REQUEST',
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_USER_INPUT',
      'OPERATION_RESOLUTION_FAILURE',
      'PERSISTED_QUERY_NOT_FOUND',
      'UNAUTHENTICATED',
    ];
    expect([...codes].filter((code) => expected.includes(code)).sort()).toEqual([...expected].sort());
  });
});
