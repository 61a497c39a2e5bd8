import { HeaderMap, type GraphQLResponse } from '@apollo/server';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdmission, LIGHT_ANSWER_LENGTH } from './admission.js';
import { createGraphQLHandler } from './graphql-handler.js';
import { createRequestMetrics } from '../features/metrics/requests.js';
import { createRequestLineLogger } from '../../../common/logger.js';
import { registerRequestLog } from '../../../common/request-log.js';

/**
 * The `/graphql` route holds back only operations whose last answer was large, and only while
 * admission is limiting: a real route (fastify), a real admission whose loop utilisation the test
 * sets, and an operation runner that answers `{ big }` with a large answer and `{ small }` with a small one.
 */
const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function route(requestDeadlineMs?: number) {
  let utilization = 0;
  const admission = createAdmission({ saturatedConcurrency: 1, intervalMs: 3_600_000, sampleUtilization: () => utilization });
  const started: string[] = [];
  const release: (() => void)[] = [];
  // Per operation: how long before its context was built the route got the request.
  const sinceArrival = new Map<string, number>();
  // The gateway's own request metrics, told of what the handler refuses before any operation runs.
  const registry = new Registry();
  const metrics = createRequestMetrics(registry, { maxTokens: 1000 });
  const handler = createGraphQLHandler({
    plugins: [],
    context: async (request, _reply, arrival) => {
      sinceArrival.set((request.body as { query: string }).query, performance.now() - arrival.startedAt);
      return {};
    },
    formatError: (formatted) => formatted,
    includeStacktrace: false,
    stringify: JSON.stringify,
    admission,
    ...(requestDeadlineMs === undefined ? {} : { requestDeadlineMs }),
    refusedBeforeOperation: metrics.refusedBeforeOperation,
    async runOperation(request): Promise<GraphQLResponse> {
      started.push(request.query!);
      // `{ hold }` waits until the test lets it finish: it keeps the one slot taken.
      if (request.query === '{ hold }') await new Promise<void>((resolve) => release.push(resolve));
      const value = request.query === '{ small }' ? 'x' : 'x'.repeat(LIGHT_ANSWER_LENGTH + 1);
      return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: { value } } } } as GraphQLResponse;
    },
  });
  const app = Fastify();
  // The request log, as the gateway registers it: one line per request, into an array.
  const logLines: Record<string, unknown>[] = [];
  const logger = createRequestLineLogger('test', { env: { LOG_LEVEL: 'info' }, destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
  registerRequestLog(app, { logger });
  app.post('/graphql', handler);
  apps.push(app);
  const post = (query: string) => app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  const saturate = () => {
    utilization = 1;
    admission.adjust();
  };
  return { admission, started, release, post, saturate, sinceArrival, registry, logLines };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('/graphql under admission', () => {
  it('queues an operation with a large (or unknown) answer behind the one running, and runs a small one at once', async () => {
    const { admission, started, release, post, saturate, sinceArrival } = await route();
    // Seen once each, unsaturated: `{ small }` is then known to answer small.
    expect((await post('{ small }')).statusCode).toBe(200);
    expect((await post('{ big }')).statusCode).toBe(200);
    started.length = 0;
    const holding = post('{ hold }');
    await until(() => admission.state().active === 1);
    saturate();
    expect(admission.state()).toMatchObject({ limit: 1, active: 1 });
    const big = post('{ big }');
    await until(() => admission.state().waiting === 1);
    const small = await post('{ small }');
    expect(small.statusCode).toBe(200);
    // The small one ran while the large one waited for the slot.
    expect(started).toEqual(['{ hold }', '{ small }']);
    expect(admission.state()).toMatchObject({ active: 1, waiting: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release.shift()!();
    expect((await holding).statusCode).toBe(200);
    expect((await big).statusCode).toBe(200);
    expect(started).toEqual(['{ hold }', '{ small }', '{ big }']);
    expect(admission.state()).toMatchObject({ active: 0, waiting: 0 });
    // Its deadline and duration count from its arrival: the wait for the slot (over 50 ms) included.
    expect(sinceArrival.get('{ big }')).toBeGreaterThanOrEqual(49);
  });

  it('answers 503 GATEWAY_OVERLOADED, without running it, a request whose deadline passes while it waits', async () => {
    const { admission, started, release, post, saturate, registry, logLines } = await route(100);
    expect((await post('{ big }')).statusCode).toBe(200);
    started.length = 0;
    const holding = post('{ hold }');
    await until(() => admission.state().active === 1);
    saturate();
    const waited = await post('{ big }');
    expect(waited.statusCode).toBe(503);
    expect(waited.headers['retry-after']).toBe('1');
    expect(waited.json()).toEqual({
      errors: [{ message: 'The gateway is saturated: the request waited 100 ms (its deadline) for its turn and did not run', extensions: { code: 'GATEWAY_OVERLOADED' } }],
    });
    expect(started).toEqual(['{ hold }']);
    expect(admission.state()).toMatchObject({ active: 1, waiting: 0, expiredTotal: 1 });
    // No plugin saw it (nothing ran), yet it is counted as an operation answered with an error.
    const counted = await registry.metrics();
    expect(counted).toContain('bizgraph_gateway_requests_total{operation="anonymous",client="unknown",type="query",outcome="error"} 1');
    expect(counted).toContain('bizgraph_gateway_errors_total{code="GATEWAY_OVERLOADED"} 1');
    expect(counted).toMatch(/bizgraph_gateway_request_duration_seconds_count\{operation="anonymous",type="query"\} 1\n/);
    // Its request line carries the 503 and the code, at level error (the two before it were 200s).
    expect(logLines.filter((line) => line.status === 503)).toEqual([
      expect.objectContaining({ level: 'error', msg: 'request', method: 'POST', path: '/graphql', outcome: 'error', errorCodes: ['GATEWAY_OVERLOADED'] }),
    ]);
    release.shift()!();
    expect((await holding).statusCode).toBe(200);
    expect(admission.state()).toMatchObject({ active: 0, waiting: 0 });
    admission.close();
  });
});
