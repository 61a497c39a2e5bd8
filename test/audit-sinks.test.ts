import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { generateDataset } from '../systems/seed/generate.js';
import { auditLines, ISO_TIME, sha256, SUPPORT_VIEW, varying } from './helpers/audit-lines.js';
import { graphql } from './helpers/graphql.js';
import { startStack, SUBGRAPH_NAMES, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

const first = generateDataset().customers[0]!;

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
