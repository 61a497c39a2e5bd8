import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { generateDataset } from '../systems/seed/generate.js';
import { graphql, http } from './helpers/graphql.js';
import { startStack, SUBGRAPH_NAMES, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * The audit trail over the whole stack: real processes, real dev-issuer tokens, the gateway
 * writing to AUDIT_LOG. Each request carries its own `x-request-id`, so each test finds its lines.
 */
const SUPPORT_VIEW = /* GraphQL */ `
  query SupportView {
    customer(id: "cus_0001") {
      name
      email
      phone
    }
  }
`;
const CLIENT = { 'apollographql-client-name': 'audit-test', 'apollographql-client-version': '1.2.3' };
const first = generateDataset().customers[0]!;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Line = Record<string, unknown>;

function linesOf(text: string): Line[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{"type":"audit"'))
    .map((line) => JSON.parse(line) as Line);
}

/** Waits until `count` lines carry `requestId` (lines of refused requests are written after the answer). */
async function auditLines(read: () => string, requestId: string, count = 1): Promise<Line[]> {
  for (let attempt = 0; ; attempt++) {
    const lines = linesOf(read()).filter((line) => line.requestId === requestId);
    if (lines.length >= count || attempt === 250) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The parts of a line that differ per run, matched by type. */
const varying = { time: expect.stringMatching(ISO_TIME), durationMs: expect.any(Number) };

describe('audit trail', () => {
  let stack: Stack;
  let auditDir: string | undefined;
  let auditFile: string;
  const tokens: Record<string, string> = {};
  const read = () => (existsSync(auditFile) ? readFileSync(auditFile, 'utf8') : '');
  const as = (who: 'support' | 'sales', requestId: string) => ({ ...CLIENT, authorization: `Bearer ${tokens[who]}`, 'x-request-id': requestId });

  beforeAll(async () => {
    auditDir = mkdtempSync(join(tmpdir(), 'bizgraph-audit-'));
    auditFile = join(auditDir, 'audit.jsonl');
    stack = await startStack({ env: { AUDIT_LOG: auditFile } });
    tokens.support = await devToken(stack.dataDir, { preset: 'support', sub: 'alice@support' });
    tokens.sales = await devToken(stack.dataDir, { preset: 'sales', sub: 'bob@sales' });
  });
  afterAll(async () => {
    await stack?.stop();
    if (auditDir) rmSync(auditDir, { recursive: true, force: true });
  });

  it('records the classified fields a support token received, with their tags', async () => {
    const response = await graphql(stack.gatewayUrl, SUPPORT_VIEW, undefined, as('support', 'audit-support'));
    expect(response.body).toEqual({ data: { customer: { name: first.name, email: first.email, phone: first.phone } } });
    expect(await auditLines(read, 'audit-support')).toEqual([
      {
        type: 'audit',
        ...varying,
        requestId: 'audit-support',
        subject: 'alice@support',
        clientName: 'audit-test',
        clientVersion: '1.2.3',
        operationName: 'SupportView',
        operationHash: sha256(SUPPORT_VIEW),
        operationType: 'query',
        outcome: 'ok',
        classified: [{ coordinate: 'Customer.email', tags: ['pii'], count: 1 }, ...(first.phone === null ? [] : [{ coordinate: 'Customer.phone', tags: ['pii'], count: 1 }])],
        denied: [],
        errorCodes: [],
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('records what a sales token was denied, and no classified field', async () => {
    const response = await graphql(stack.gatewayUrl, SUPPORT_VIEW, undefined, as('sales', 'audit-sales'));
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE']);
    expect(await auditLines(read, 'audit-sales')).toEqual([
      {
        type: 'audit',
        ...varying,
        requestId: 'audit-sales',
        subject: 'bob@sales',
        clientName: 'audit-test',
        clientVersion: '1.2.3',
        operationName: 'SupportView',
        operationHash: sha256(SUPPORT_VIEW),
        operationType: 'query',
        outcome: 'partial',
        classified: [],
        denied: ['Customer.email', 'Customer.phone'],
        errorCodes: ['UNAUTHORIZED_FIELD_OR_TYPE'],
      },
    ]);
  });

  it('counts a classified field once per value delivered in a list', async () => {
    const query = /* GraphQL */ `
      query Emails {
        customers(first: 5) {
          nodes {
            email
          }
        }
      }
    `;
    const response = await graphql(stack.gatewayUrl, query, undefined, as('support', 'audit-list'));
    expect((response.body.data as { customers: { nodes: unknown[] } }).customers.nodes).toHaveLength(5);
    const [line] = await auditLines(read, 'audit-list');
    expect(line).toMatchObject({ operationName: 'Emails', outcome: 'ok', classified: [{ coordinate: 'Customer.email', tags: ['pii'], count: 5 }], denied: [] });
  });

  it('maps aliases and fragments back to their coordinates', async () => {
    const query = /* GraphQL */ `
      query Pair {
        a: customer(id: "cus_0001") {
          ...Contact
        }
        b: customer(id: "cus_0002") {
          mail: email
        }
        nobody: customer(id: "cus_9999") {
          ...Contact
        }
      }
      fragment Contact on Customer {
        email
      }
    `;
    const response = await graphql(stack.gatewayUrl, query, undefined, as('support', 'audit-aliases'));
    expect(response.body.data).toMatchObject({ nobody: null });
    const [line] = await auditLines(read, 'audit-aliases');
    expect(line).toMatchObject({ outcome: 'ok', classified: [{ coordinate: 'Customer.email', tags: ['pii'], count: 2 }] });
  });

  it('records a request refused for an invalid token as unauthenticated', async () => {
    const headers = { ...CLIENT, authorization: `Bearer ${tokens.support!.slice(0, -4)}AAAA`, 'x-request-id': 'audit-401' };
    const response = await graphql(stack.gatewayUrl, SUPPORT_VIEW, undefined, headers);
    expect(response.status).toBe(401);
    expect(await auditLines(read, 'audit-401')).toEqual([
      {
        type: 'audit',
        ...varying,
        requestId: 'audit-401',
        subject: null,
        clientName: 'audit-test',
        clientVersion: '1.2.3',
        operationName: 'SupportView',
        operationHash: sha256(SUPPORT_VIEW),
        operationType: 'query',
        outcome: 'unauthenticated',
        classified: [],
        denied: [],
        errorCodes: ['UNAUTHENTICATED'],
      },
    ]);
  });

  it('records an anonymous caller with a null subject', async () => {
    await graphql(stack.gatewayUrl, SUPPORT_VIEW, undefined, { 'x-request-id': 'audit-anonymous' });
    const [line] = await auditLines(read, 'audit-anonymous');
    expect(line).toMatchObject({ subject: null, clientName: null, clientVersion: null, classified: [] });
    expect(line!.denied).toContain('Query.customer');
  });

  it('records a query that fails validation as an error', async () => {
    const query = /* GraphQL */ `
      query Broken {
        customer(id: "cus_0001") {
          nope
        }
      }
    `;
    const response = await graphql(stack.gatewayUrl, query, undefined, as('support', 'audit-invalid'));
    expect(response.status).toBe(400);
    const [line] = await auditLines(read, 'audit-invalid');
    expect(line).toMatchObject({
      subject: 'alice@support',
      operationName: 'Broken',
      operationHash: sha256(query),
      operationType: 'query',
      outcome: 'error',
      errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
    });
  });

  it('writes one line per operation of a batched request', async () => {
    const names = /* GraphQL */ `
      query Names {
        customer(id: "cus_0002") {
          name
        }
      }
    `;
    const response = await http('POST', stack.gatewayUrl, { headers: as('support', 'audit-batch'), body: [{ query: SUPPORT_VIEW }, { query: names }] });
    expect(response.status).toBe(200);
    const lines = (await auditLines(read, 'audit-batch', 2)).sort((a, b) => String(a.operationName).localeCompare(String(b.operationName)));
    expect(lines.map(({ operationName, operationHash, outcome, classified }) => ({ operationName, operationHash, outcome, classified }))).toEqual([
      { operationName: 'Names', operationHash: sha256(names), outcome: 'ok', classified: [] },
      {
        operationName: 'SupportView',
        operationHash: sha256(SUPPORT_VIEW),
        outcome: 'ok',
        classified: expect.arrayContaining([{ coordinate: 'Customer.email', tags: ['pii'], count: 1 }]),
      },
    ]);
  });

  it('records a batch refused over its cap as one error line', async () => {
    const body = Array.from({ length: 11 }, () => ({ query: '{ __typename }' }));
    const response = await http('POST', stack.gatewayUrl, { headers: as('support', 'audit-batch-cap'), body });
    expect(response.status).toBe(400);
    expect(await auditLines(read, 'audit-batch-cap')).toEqual([
      expect.objectContaining({ subject: null, operationName: null, operationHash: null, outcome: 'error', errorCodes: ['OPERATION_LIMIT_EXCEEDED'] }),
    ]);
  });

  it('records a body that is not JSON as an error', async () => {
    const response = await request(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'audit-garbage' }, body: '{"query": ' });
    await response.body.dump();
    expect(response.statusCode).toBe(400);
    expect(await auditLines(read, 'audit-garbage')).toEqual([
      expect.objectContaining({ subject: null, operationName: null, operationHash: null, operationType: null, outcome: 'error', classified: [], denied: [] }),
    ]);
  });

  it('never writes field values, variables or tokens', async () => {
    const byId = /* GraphQL */ `
      query ById($id: ID!) {
        customer(id: $id) {
          name
          email
        }
      }
    `;
    await graphql(stack.gatewayUrl, byId, { id: 'cus_0003' }, as('support', 'audit-variables'));
    await auditLines(read, 'audit-variables');
    const text = read();
    const customers = generateDataset().customers.slice(0, 5);
    for (const secret of [...customers.flatMap((c) => [c.name, c.email, c.phone ?? c.email]), 'cus_0003', 'cus_0001', tokens.support!, tokens.sales!]) {
      expect(text).not.toContain(secret);
    }
    // Every line is whole JSON with exactly the documented fields.
    for (const line of linesOf(text)) expect(Object.keys(line)).toEqual(FIELDS);
    expect(text.split('\n').filter(Boolean).length).toBe(linesOf(text).length);
  });
});

/** More gateways on the same subgraphs, each with another audit setting. */
describe('audit sinks', () => {
  let stack: Stack;
  const gateways: Record<'stdout' | 'broken' | 'failClosed', ServiceProcess | undefined> = { stdout: undefined, broken: undefined, failClosed: undefined };
  let token: string;

  beforeAll(async () => {
    stack = await startStack({ withoutGateway: true });
    const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${stack.subgraphs[name].url}/graphql`]));
    const start = (env: Record<string, string>) => startService({ name: 'gateway', entry: 'gateway/src/main.ts', env: { ...stack.env, ...urls, ...env } });
    [gateways.stdout, gateways.broken, gateways.failClosed] = await Promise.all([
      start({ AUDIT_LOG: 'stdout', AUTHZ_MODE: 'reject' }),
      start({ AUDIT_LOG: '/dev/full' }),
      start({ AUDIT_LOG: '/dev/full', AUDIT_FAIL_CLOSED: '1' }),
    ]);
    token = await devToken(stack.dataDir, { preset: 'sales', sub: 'bob@sales' });
  });
  afterAll(async () => {
    await Promise.all(Object.values(gateways).map((gateway) => gateway?.stop()));
    await stack?.stop();
  });

  it('writes to stdout, and records a request refused in reject mode as forbidden', async () => {
    const response = await graphql(gateways.stdout!.url, SUPPORT_VIEW, undefined, { authorization: `Bearer ${token}`, 'x-request-id': 'audit-reject' });
    expect(response.status).toBe(403);
    expect(await auditLines(() => gateways.stdout!.output(), 'audit-reject')).toEqual([
      {
        type: 'audit',
        ...varying,
        requestId: 'audit-reject',
        subject: 'bob@sales',
        clientName: null,
        clientVersion: null,
        operationName: 'SupportView',
        operationHash: sha256(SUPPORT_VIEW),
        operationType: 'query',
        outcome: 'forbidden',
        classified: [],
        denied: ['Customer.email', 'Customer.phone'],
        errorCodes: ['FORBIDDEN'],
      },
    ]);
  });

  it.skipIf(!existsSync('/dev/full'))('answers requests when the audit log cannot be written, and says so once', async () => {
    const query = /* GraphQL */ `
      {
        customer(id: "cus_0001") {
          name
        }
      }
    `;
    for (let i = 0; i < 3; i++) {
      const response = await graphql(gateways.broken!.url, query, undefined, { authorization: `Bearer ${token}` });
      expect(response.body).toEqual({ data: { customer: { name: first.name } } });
    }
    const complaints = () =>
      gateways
        .broken!.output()
        .split('\n')
        .filter((line) => line.includes('audit log cannot be written'));
    // The failed write is reported asynchronously; once it is, later requests add no complaint.
    for (let attempt = 0; complaints().length === 0 && attempt < 250; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await graphql(gateways.broken!.url, query, undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    // Every log line also carries `time` (and `traceId` inside a request's trace): see common/logger.ts.
    const logged = complaints().map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of logged) expect(line.time).toMatch(ISO_TIME);
    expect(logged.map(({ time: _time, traceId: _traceId, ...rest }) => rest)).toEqual([
      {
        level: 'error',
        service: 'gateway',
        msg: 'audit log cannot be written: audit lines are dropped from now on',
        target: '/dev/full',
        error: 'ENOSPC: no space left on device, write',
      },
    ]);
  });

  it.skipIf(!existsSync('/dev/full'))('refuses to answer with AUDIT_FAIL_CLOSED=1 when the audit log cannot be written', async () => {
    const response = await graphql(
      gateways.failClosed!.url,
      `
        {
          customer(id: "cus_0001") {
            name
          }
        }
      `,
      undefined,
      { authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ errors: [{ message: 'The request cannot be audited; try again later', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });
});

const FIELDS = [
  'type',
  'time',
  'requestId',
  'subject',
  'clientName',
  'clientVersion',
  'operationName',
  'operationHash',
  'operationType',
  'outcome',
  'classified',
  'denied',
  'errorCodes',
  'durationMs',
];
