import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAnswer, stringifyAnswer } from '../../gateway/src/answer-bytes.js';
import { createFormatError } from '../../gateway/src/errors.js';
import { createBatchHeads, createGraphQLHandler } from '../../gateway/src/http/graphql-handler.js';
import { createRandom, hashString } from '../execution/random.js';
import { generateRequest, type GeneratedRequest } from './requests.js';

/**
 * The gateway's own HTTP layer (`gateway/src/http/`) against the one it replaces
 * (`@as-integrations/fastify` + Apollo Server's `executeHTTPGraphQLRequest`): both serve the same
 * Apollo Server, and each generated request goes to both; status, content type, the headers
 * plugins and refusals set, and the body must be the same. Run longer, with another seed:
 *   HTTP_DIFF_SEED=random HTTP_DIFF_CASES=20000 npx vitest run test/http
 */

const requestedSeed = process.env.HTTP_DIFF_SEED;
const SEED = requestedSeed === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(requestedSeed ?? 20261205);
const CASES = Number(process.env.HTTP_DIFF_CASES ?? 3000);

const typeDefs = `#graphql
  type Query { hello(name: String): String, answer: Int, fail: String }
  type Mutation { bump: Int }
`;
const resolvers = {
  Query: {
    hello: (_: unknown, { name }: { name?: string }) => `hello ${name ?? 'world'}`,
    answer: () => 42,
    fail: () => {
      throw new Error('resolver failed');
    },
  },
  Mutation: { bump: () => 1 },
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
 * One Apollo Server per layer, configured alike: each sees the same requests in the same order,
 * so their persisted-query caches stay alike too (a shared one would let a batch that registers a
 * query concurrently with its lookup answer differently the second time).
 */
async function serveBoth(production: boolean): Promise<FastifyInstance> {
  // As server.ts: no landing page (Apollo's loads its explorer from a CDN).
  const plugins = [ApolloServerPluginLandingPageDisabled(), headPlugin];
  const formatError = createFormatError(production);
  const batchHeads = createBatchHeads();
  const startApollo = async (own: ApolloServerPlugin[]) => {
    const apollo = new ApolloServer({
      typeDefs,
      resolvers,
      plugins: [...own, ...plugins],
      formatError,
      includeStacktraceInErrorResponses: !production,
      allowBatchedHttpRequests: true,
      stringifyResult: stringifyAnswer,
    });
    await apollo.start();
    return apollo;
  };
  const [theirs, mine] = [await startApollo([]), await startApollo([batchHeads.plugin])];
  const app = Fastify();
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  app.route({ url: '/apollo/graphql', method: methods, onSend: [encodeAnswer], handler: fastifyApolloHandler(theirs, { context }) });
  const ours = createGraphQLHandler({ apollo: mine, batchHeads, plugins, context, formatError, includeStacktrace: !production, stringify: stringifyAnswer });
  app.route({ url: '/ours/graphql', method: methods, onSend: [encodeAnswer], handler: ours });
  app.addHook('onClose', async () => {
    await Promise.all([theirs.stop(), mine.stop()]);
  });
  return app;
}

interface Seen {
  status: number;
  contentType: string | undefined;
  allow: string | undefined;
  operation: string | undefined;
  body: unknown;
}

async function send(app: FastifyInstance, prefix: string, request: GeneratedRequest): Promise<Seen> {
  const response = await app.inject({ method: request.method as 'GET', url: `${prefix}${request.url}`, headers: request.headers, payload: request.payload });
  return {
    status: response.statusCode,
    contentType: response.headers['content-type'] as string | undefined,
    allow: response.headers.allow as string | undefined,
    operation: response.headers['x-operation'] as string | undefined,
    body: withoutStackFrames(parsed(response.payload)),
  };
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
])('the gateway HTTP layer answers as @as-integrations/fastify + Apollo Server (%s)', (_mode, production) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await serveBoth(production);
  });
  afterAll(() => app.close());

  it(`gives the same status, headers and body on ${CASES} generated requests (seed ${SEED})`, async () => {
    const random = createRandom(hashString(`${SEED}:${production}`));
    const statuses = new Map<number, number>();
    for (let index = 0; index < CASES; index++) {
      const request = generateRequest(random);
      const apollo = await send(app, '/apollo', request);
      const ours = await send(app, '/ours', request);
      if (JSON.stringify(ours) !== JSON.stringify(apollo)) {
        expect({ case: index, seed: SEED, request, answer: ours }).toEqual({ case: index, seed: SEED, request, answer: apollo });
      }
      statuses.set(apollo.status, (statuses.get(apollo.status) ?? 0) + 1);
    }
    // The generator reaches every branch worth comparing: answers, refusals and each HTTP status.
    for (const status of [200, 400, 401, 405, 406, 415, 418]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  });
});
