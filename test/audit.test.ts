import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../systems/seed/generate.js';
import { graphql, http } from './helpers/graphql.js';
import { startStack, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';
import { auditLines, linesOf, sha256, SUPPORT_VIEW, varying, type Line } from './helpers/audit-lines.js';

/**
 * The audit trail over the whole stack: real processes, real dev-issuer tokens, the gateway
 * writing to AUDIT_LOG. Each request carries its own `x-request-id`, so each test finds its lines.
 */
const CLIENT = { 'apollographql-client-name': 'audit-test', 'apollographql-client-version': '1.2.3' };
const first = generateDataset().customers[0]!;

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

  it('records a query that fails validation as rejected', async () => {
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
      outcome: 'rejected',
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

  it('records a batch refused over its cap as one rejected line', async () => {
    const body = Array.from({ length: 11 }, () => ({ query: '{ __typename }' }));
    const response = await http('POST', stack.gatewayUrl, { headers: as('support', 'audit-batch-cap'), body });
    expect(response.status).toBe(400);
    expect(await auditLines(read, 'audit-batch-cap')).toEqual([
      expect.objectContaining({ subject: null, operationName: null, operationHash: null, outcome: 'rejected', errorCodes: ['OPERATION_LIMIT_EXCEEDED'] }),
    ]);
  });

  it('records a body that is not JSON as rejected', async () => {
    const response = await request(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'audit-garbage' }, body: '{"query": ' });
    await response.body.dump();
    expect(response.statusCode).toBe(400);
    expect(await auditLines(read, 'audit-garbage')).toEqual([
      expect.objectContaining({ subject: null, operationName: null, operationHash: null, operationType: null, outcome: 'rejected', classified: [], denied: [] }),
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
