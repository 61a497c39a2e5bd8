import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { SUBGRAPH_NAMES, startStack, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * Issue 15: on SIGTERM a gateway (and a subgraph) answers `/readyz` 503 at once, keeps serving
 * for SHUTDOWN_DELAY_MS (the load balancer's time to notice), then takes no new connection,
 * finishes what is in flight (each answer closing its keep-alive connection, which a plain
 * `app.close()` left open for fastify's 72 s keep-alive) within SHUTDOWN_GRACE_MS, and exits 0.
 * The CRM stand-in answers after 1 s, so requests are in flight when the signal comes.
 */

const CUSTOMER = '{ customer(id: "cus_0001") { id name } }';
let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startStack({ env: { CRM_LATENCY_MS: '1000', SHUTDOWN_DELAY_MS: '1500' }, gatewayEnv: { SHUTDOWN_DELAY_MS: '1500', SHUTDOWN_GRACE_MS: '5000' } });
  token = await devToken(stack.dataDir, { preset: 'admin' });
});
afterAll(async () => {
  await stack?.stop();
});

const exitOf = (service: ServiceProcess) =>
  new Promise<number | null>((resolve) => (service.child.exitCode !== null ? resolve(service.child.exitCode) : service.child.once('exit', (code) => resolve(code))));
const ask = (base: string, dispatcher: Agent) =>
  request(`${base}/graphql`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: CUSTOMER }),
  }).then(async (response) => ({
    status: response.statusCode,
    connection: response.headers.connection,
    body: (await response.body.json()) as { data?: unknown; errors?: unknown[] },
  }));
const readiness = async (base: string) => {
  const response = await request(`${base}/readyz`, { dispatcher: new Agent() });
  return { status: response.statusCode, body: (await response.body.json()) as { reason?: string } };
};
/** `/readyz` once the signal has been handled (on a loaded machine that takes a moment), well within the delay. */
const readinessAfterSignal = async (base: string) => {
  let answer = await readiness(base);
  for (let attempt = 0; attempt < 40 && answer.status === 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    answer = await readiness(base);
  }
  return answer;
};
const startGateway = (env: Record<string, string>) =>
  startService({
    name: 'gateway',
    entry: 'gateway/src/main.ts',
    env: { ...stack.env, ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${stack.subgraphs[name].url}/graphql`])), ...env },
  });

describe('graceful shutdown', () => {
  it('a gateway turns unready at once, serves through the delay, finishes every request in flight and exits 0', async () => {
    const gateway = stack.gateway!;
    const base = gateway.url;
    const keepAlive = new Agent({ connections: 20, keepAliveTimeout: 60_000 });
    const exited = exitOf(gateway);
    const inFlight = Array.from({ length: 10 }, () => ask(base, keepAlive));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = performance.now();
    gateway.child.kill('SIGTERM');
    expect(await readinessAfterSignal(base)).toEqual({ status: 503, body: { status: 'unavailable', reason: 'shutting down' } });
    // Within the delay a new request (a balancer that has not noticed yet) is still served.
    const duringDelay = ask(base, new Agent());
    const answers = await Promise.all([...inFlight, duringDelay]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
      expect(answer.body.data).toEqual({ customer: { id: 'cus_0001', name: expect.any(String) } });
      expect(answer.connection).toBe('close');
    }
    expect(await exited).toBe(0);
    // Delay (1.5 s) + the last request's CRM second, not fastify's 72 s keep-alive.
    expect(performance.now() - signalled).toBeLessThan(5000);
    await expect(ask(base, new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const served = gateway.logLines().filter((line) => line.msg === 'request' && line.path === '/graphql' && line.status === 200);
    expect(served).toHaveLength(11);
    await keepAlive.close();
  });

  it('a gateway cuts what is still in flight after SHUTDOWN_GRACE_MS and exits 0, saying so', async () => {
    const gateway = await startGateway({ SHUTDOWN_DELAY_MS: '0', SHUTDOWN_GRACE_MS: '200' });
    const exited = exitOf(gateway);
    const slow = ask(gateway.url, new Agent()).then(
      () => 'answered',
      (error: { code?: string }) => error.code ?? 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    gateway.child.kill('SIGTERM');
    expect(await slow).toMatch(/^UND_ERR_SOCKET$|^ECONNRESET$/);
    expect(await exited).toBe(0);
    expect(gateway.logLines().some((line) => line.msg === 'shutdown cut connections still answering after SHUTDOWN_GRACE_MS')).toBe(true);
  });

  it('a subgraph turns unready at once and finishes its request in flight', async () => {
    const crm = stack.subgraphs.crm;
    const gateway = await startGateway({});
    try {
      const exited = exitOf(crm);
      const inFlight = ask(gateway.url, new Agent());
      await new Promise((resolve) => setTimeout(resolve, 300));
      crm.child.kill('SIGTERM');
      expect(await readinessAfterSignal(crm.url)).toMatchObject({ status: 503, body: { reason: 'shutting down' } });
      expect(await inFlight).toMatchObject({ status: 200, body: { data: { customer: { id: 'cus_0001' } } } });
      expect(await exited).toBe(0);
    } finally {
      await gateway.stop();
    }
  });
});
