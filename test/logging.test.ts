import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeOf as auditOutcomeOf } from '../gateway/src/operation.js';
import { batchOutcomeOf, outcomeOf } from '../common/request-log.js';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import type { GraphQLResponse } from './helpers/graphql.js';
import { startStack, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * Logs over the real stack: every process prints pino JSON lines, one `request` line per HTTP
 * request joined by the request id (and trace id) across the gateway and its subgraphs, and no
 * credential ever reaches a line.
 */
type Line = Record<string, unknown>;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const QUERY = /* GraphQL */ `
  query LogTest {
    customer(id: "cus_0001") {
      name
    }
  }
`;

/** The answer's `extensions.traceId` (the stack's helper may have moved it to `traceId`). */
function traceIdOf(response: GraphQLResponse): string | undefined {
  const traceId = (response as { traceId?: unknown }).traceId ?? response.body.extensions?.traceId;
  return typeof traceId === 'string' ? traceId : undefined;
}

/** Waits until `service` printed `count` request lines for `requestId` (they are written after the answer). */
async function requestLines(service: ServiceProcess, requestId: string, count = 1): Promise<Line[]> {
  for (let attempt = 0; ; attempt++) {
    const lines = service.logLines().filter((line) => line.msg === 'request' && line.requestId === requestId);
    if (lines.length >= count || attempt === 250) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('logs', () => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack({ token: { preset: 'admin' } });
    token = await devToken(stack.dataDir, { preset: 'admin' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('writes one request line per request at the gateway, and one at the subgraph with the same request id', async () => {
    const response = await stack.query(QUERY, undefined, { authorization: `Bearer ${token}`, 'x-request-id': 'log-test-1', 'apollographql-client-name': 'log-test' });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ customer: { name: expect.any(String) } });
    // Tracing returns the trace id in every answer; the log lines carry the same one.
    const traceId = traceIdOf(response);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const [line, ...more] = await requestLines(stack.gateway!, 'log-test-1');
    expect(more).toEqual([]);
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(ISO_TIME),
      service: 'gateway',
      requestId: 'log-test-1',
      traceId,
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: expect.any(Number),
      operationName: 'LogTest',
      operationType: 'query',
      clientName: 'log-test',
      outcome: 'ok',
      errorCodes: [],
      msg: 'request',
    });

    const crm = await requestLines(stack.subgraphs.crm, 'log-test-1');
    expect(crm).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'crm-subgraph',
        requestId: 'log-test-1',
        traceId,
        method: 'POST',
        path: '/graphql',
        status: 200,
        outcome: 'ok',
        durationMs: expect.any(Number),
      }),
    ]);
    // The CRM stand-in logs its API calls too (the query string, which holds the ids, is left out).
    const standIn = () => stack.systems.crm.logLines().filter((entry) => entry.msg === 'request' && entry.path === '/customers');
    for (let attempt = 0; standIn().length === 0 && attempt < 250; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(standIn().at(-1)).toMatchObject({ level: 'info', service: 'crm-system', method: 'GET', status: 200, durationMs: expect.any(Number) });
  });

  it('logs a refused token as unauthenticated with its error code, without the token', async () => {
    const response = await stack.query(QUERY, undefined, { authorization: 'Bearer not-a-jwt-log-secret', 'x-request-id': 'log-test-401' });
    expect(response.status).toBe(401);
    expect(await requestLines(stack.gateway!, 'log-test-401')).toEqual([
      expect.objectContaining({ level: 'info', status: 401, path: '/graphql', outcome: 'unauthenticated', errorCodes: ['UNAUTHENTICATED'] }),
    ]);
  });

  it('keeps health probes out of the info log, and the query string out of every path', async () => {
    const gateway = stack.gateway!;
    await fetch(`${gateway.url}/healthz`, { headers: { 'x-request-id': 'log-test-health' } });
    await stack.query(QUERY, undefined, { 'x-request-id': 'log-test-qs' });
    await requestLines(gateway, 'log-test-qs');
    expect(gateway.logLines().filter((line) => line.requestId === 'log-test-health')).toEqual([]);
    const get = await fetch(`${gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}&secret=in-the-url`, {
      headers: { 'x-request-id': 'log-test-get', authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    const [line] = await requestLines(gateway, 'log-test-get');
    expect(line).toMatchObject({ method: 'GET', path: '/graphql', status: 200 });
  });

  it('never prints a credential: no token, internal token or API key in any process’s output', async () => {
    const processes = [stack.gateway!, ...Object.values(stack.subgraphs), stack.systems.crm, stack.systems.support];
    for (const service of processes) {
      const output = service.output();
      expect(output).not.toContain(token);
      expect(output).not.toContain('not-a-jwt-log-secret');
      expect(output).not.toContain('in-the-url');
      // Any JWT (the gateway's internal tokens to the subgraphs included) starts with eyJ.
      expect(output).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
      expect(output).not.toMatch(/bearer /i);
      // Every JSON line a process printed is one of its log lines (Node's own warnings go to stderr as text).
      for (const line of output.split('\n').filter((text) => text.startsWith('{'))) expect(line).toMatch(/^\{"level":"(trace|debug|info|warn|error|fatal)","time":"/);
    }
  });
});

describe('outcome', () => {
  it('is one rule, with the caller’s mistakes (4xx, no data) apart from failures', () => {
    const cases: [number | undefined, boolean, number, string[]][] = [
      [200, true, 0, []],
      [200, true, 1, ['UPSTREAM_ERROR']],
      [200, false, 1, ['SUBGRAPH_UNAVAILABLE']],
      [401, false, 1, ['UNAUTHENTICATED']],
      [200, false, 1, ['UNAUTHENTICATED']],
      [403, false, 1, ['FORBIDDEN']],
      [400, false, 1, ['OPERATION_LIMIT_EXCEEDED']],
      [415, false, 1, ['BAD_REQUEST']],
      [400, true, 1, ['BAD_USER_INPUT']],
      [503, false, 1, ['GATEWAY_OVERLOADED']],
      [500, false, 0, []],
      [undefined, true, 0, []],
    ];
    // The gateway's audit trail and metrics use the request lines' rule itself.
    expect(auditOutcomeOf).toBe(outcomeOf);
    expect(cases.map((args) => outcomeOf(...args))).toEqual([
      'ok',
      'partial',
      'error',
      'unauthenticated',
      'unauthenticated',
      'forbidden',
      'rejected',
      'rejected',
      'partial',
      'error',
      'error',
      'ok',
    ]);
  });

  it('calls a batch rejected only when every operation in it was', () => {
    expect(batchOutcomeOf(['rejected', 'rejected'])).toBe('rejected');
    expect(batchOutcomeOf(['rejected', 'error'])).toBe('error');
    expect(batchOutcomeOf(['rejected', 'ok'])).toBe('partial');
    expect(batchOutcomeOf(['ok', 'ok'])).toBe('ok');
  });
});
