import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { failedFetch } from './helpers/failed-fetch.js';
import { http } from './helpers/graphql.js';
import { type Stack, startStack } from './helpers/stack.js';

/**
 * Timeouts, the circuit breaker and query-only retries, counted where the calls land: the CRM and
 * support-desk stand-ins count every API request. Both stand-ins answer 1.5 s late, far beyond the
 * gateway's 300 ms timeout for their subgraphs. Elapsed times are bounds on a deadline, not speed checks.
 */
const TIMEOUT_MS = 300;
const MARGIN_MS = 3000;
const HALF_OPEN_MS = 5000;
const SUPPORT_RETRIES = 2;

let stack: Stack;
let fastCrm: ServiceProcess | undefined;
beforeAll(async () => {
  stack = await startStack({
    token: { preset: 'admin' },
    env: {
      CRM_LATENCY_MS: '1500',
      SUPPORT_LATENCY_MS: '1500',
      SUBGRAPH_CRM_TIMEOUT_MS: String(TIMEOUT_MS),
      SUBGRAPH_CRM_RETRIES: '0',
      SUBGRAPH_CRM_BREAKER_FAILURES: '3',
      SUBGRAPH_CRM_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      SUBGRAPH_SUPPORT_TIMEOUT_MS: String(TIMEOUT_MS),
      SUBGRAPH_SUPPORT_RETRIES: String(SUPPORT_RETRIES),
      // Off for support, so every attempt of the retry test reaches the desk.
      SUBGRAPH_SUPPORT_BREAKER_FAILURES: '0',
    },
  });
});
afterAll(async () => {
  await fastCrm?.stop();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests a stand-in counted since its last reset, by route (its own stats routes left out). */
async function standInCalls(system: ServiceProcess): Promise<Record<string, number>> {
  const { body } = await http<{ byRoute: Record<string, number> }>('GET', `${system.url}/_stats`);
  return Object.fromEntries(Object.entries(body.byRoute).filter(([route]) => !route.includes('/_stats')));
}
const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, n) => sum + n, 0);

/**
 * The stand-in's counts once the calls in flight have landed: the subgraph may reach the stand-in
 * a moment after the gateway gave up on it, so wait (bounded) for `atLeast`, then a little longer
 * so that any extra call would be counted too.
 */
async function settledCalls(system: ServiceProcess, atLeast: number): Promise<Record<string, number>> {
  for (let i = 0; i < 50 && total(await standInCalls(system)) < atLeast; i++) await sleep(100);
  // A fixed window on purpose: it is for a call that must NOT come, which no poll can wait for.
  await sleep(500);
  return standInCalls(system);
}

async function timedQuery(query: string, variables?: Record<string, unknown>) {
  const started = Date.now();
  const response = await stack.query(query, variables);
  return { ...response, elapsedMs: Date.now() - started };
}

async function breakerOf(subgraph: string): Promise<string | undefined> {
  const ready = await http<{ subgraphs: Array<{ name: string; state: string; breaker?: string }> }>('GET', `${stack.gateway!.url}/readyz`);
  expect(ready.status).toBe(200);
  return ready.body.subgraphs.find(({ name }) => name === subgraph)?.breaker;
}

const CUSTOMER = /* GraphQL */ `
  {
    customer(id: "cus_0001") {
      id
      name
    }
  }
`;
/** The CRM's fetch fills `customer`: that is where its failure is reported. */
const crmError = (code: string, message: string) => failedFetch({ message, extensions: { code, subgraph: 'crm', system: 'crm' } }, [['customer']]);

describe('a slow CRM', () => {
  it('times out within the timeout, opens the breaker after 3 failures, sends nothing while open, and closes after recovery', async () => {
    for (let i = 0; i < 3; i++) {
      const slow = await timedQuery(CUSTOMER);
      expect(slow.status).toBe(200);
      expect(slow.body).toEqual({ data: { customer: null }, errors: crmError('SUBGRAPH_TIMEOUT', `Subgraph "crm" did not answer within ${TIMEOUT_MS} ms`) });
      expect(slow.elapsedMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    expect(await breakerOf('crm')).toBe('open');

    // Each of the three reached the CRM; once those calls have landed, count from zero.
    expect(total(await settledCalls(stack.systems.crm, 3))).toBeGreaterThanOrEqual(3);
    await http('POST', `${stack.systems.crm.url}/_stats/reset`);
    for (let i = 0; i < 5; i++) {
      const open = await timedQuery(CUSTOMER);
      expect(open.body).toEqual({
        data: { customer: null },
        errors: crmError('CIRCUIT_OPEN', 'Subgraph "crm" is unavailable: its circuit breaker is open after repeated failures'),
      });
      expect(open.elapsedMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    // Failing fast: not one of those requests reached the CRM.
    expect(await standInCalls(stack.systems.crm)).toEqual({});

    // Recovery: the CRM answers promptly again (a stand-in without latency on the same port).
    const port = new URL(stack.systems.crm.url).port;
    await stack.systems.crm.stop();
    fastCrm = await startService({ name: 'crm-system', entry: 'systems/crm/main.ts', env: { ...stack.env, PORT: port, CRM_LATENCY_MS: '0' } });
    let answer = await stack.query(CUSTOMER);
    // Bounded: the half-open probe is due HALF_OPEN_MS after the circuit opened.
    for (let i = 0; i < 40 && answer.body.errors; i++) {
      expect(answer.body.errors[0]?.extensions?.code).toBe('CIRCUIT_OPEN');
      await sleep(250);
      answer = await stack.query(CUSTOMER);
    }
    expect(answer.body).toEqual({ data: { customer: { id: 'cus_0001', name: expect.any(String) } } });
    expect(await breakerOf('crm')).toBe('closed');
  });
});

describe('retries', () => {
  it(`retry a query after a timeout (1 + ${SUPPORT_RETRIES} calls at the support desk)`, async () => {
    await http('POST', `${stack.systems.support.url}/_stats/reset`);
    const answer = await timedQuery(/* GraphQL */ `
      {
        tickets(first: 1) {
          nodes {
            id
          }
        }
      }
    `);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toEqual(
      failedFetch({ message: `Subgraph "support" did not answer within ${TIMEOUT_MS} ms`, extensions: { code: 'SUBGRAPH_TIMEOUT', subgraph: 'support', system: 'support' } }, [
        ['tickets'],
      ]),
    );
    expect(total(await settledCalls(stack.systems.support, 1 + SUPPORT_RETRIES))).toBe(1 + SUPPORT_RETRIES);
  });

  it('never retry a mutation (exactly 1 call at the support desk)', async () => {
    await http('POST', `${stack.systems.support.url}/_stats/reset`);
    const answer = await timedQuery(
      /* GraphQL */ `
        mutation ($input: OpenTicketInput!) {
          openTicket(input: $input) {
            id
          }
        }
      `,
      {
        input: { idempotencyKey: 'resilience-no-retry', requesterEmail: 'someone@example.com', subject: 'Never twice' },
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: { openTicket: null },
      errors: failedFetch(
        { message: `Subgraph "support" did not answer within ${TIMEOUT_MS} ms`, extensions: { code: 'SUBGRAPH_TIMEOUT', subgraph: 'support', system: 'support' } },
        [['openTicket']],
      ),
    });
    expect(await settledCalls(stack.systems.support, 1)).toEqual({ 'POST /tickets': 1 });
  });
});
