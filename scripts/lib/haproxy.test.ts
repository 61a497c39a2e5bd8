import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './processes.js';
import { haproxyConfig, startHaproxy, type Balancer, type BalancerSpec } from './haproxy.js';
import { haproxyAvailable } from '../../test/helpers/services.js';

/**
 * The balancer's fail-open, on a real HAProxy in front of two stand-in gateways whose `/readyz`
 * the test sets: while no gateway passes its check every request is still served (a loaded
 * fleet whose checks all time out must not answer every client 503), and while one passes, the
 * other gets nothing.
 */

interface StandIn {
  name: string;
  port: number;
  ready: boolean;
  /** Requests other than `/readyz` it answered. */
  served: number;
  server: Server;
}

async function standIn(name: string): Promise<StandIn> {
  const port = await freePort();
  const gateway: StandIn = { name, port, ready: true, served: 0, server: createServer() };
  gateway.server.on('request', (req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(gateway.ready ? 200 : 503).end();
      return;
    }
    gateway.served++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { servedBy: name } }));
  });
  await new Promise<void>((resolve) => gateway.server.listen(port, '127.0.0.1', resolve));
  return gateway;
}

const available = haproxyAvailable();
const dir = mkdtempSync(join(tmpdir(), 'bizgraph-haproxy-failopen-'));
let gateways: StandIn[] = [];
let balancer: Balancer;

beforeAll(async () => {
  if (!available) return;
  gateways = await Promise.all(['gateway-0', 'gateway-1'].map(standIn));
  const spec: BalancerSpec = {
    port: await freePort(),
    gateways: gateways.map(({ name, port }) => ({ name, port })),
    check: { intervalMs: 100, fall: 1, rise: 1 },
    statsSocket: join(dir, 'haproxy.sock'),
  };
  writeFileSync(join(dir, 'haproxy.cfg'), haproxyConfig(spec));
  balancer = await startHaproxy(join(dir, 'haproxy.cfg'), spec);
});
afterAll(async () => {
  await balancer?.stop();
  await Promise.all(gateways.map((gateway) => new Promise((resolve) => gateway.server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

async function seen(wanted: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const states = await balancer.states();
    if (Object.entries(wanted).every(([name, state]) => states[name] === state)) return;
    if (Date.now() > deadline) throw new Error(`HAProxy shows ${JSON.stringify(states)}, expected ${JSON.stringify(wanted)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `times` requests through the balancer; their statuses, and how many each stand-in served. */
async function send(times: number): Promise<{ statuses: number[]; served: number[] }> {
  const before = gateways.map((gateway) => gateway.served);
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const response = await request(`${balancer.url}/graphql`, { method: 'POST', body: '{}' });
    await response.body.text();
    statuses.push(response.statusCode);
  }
  return { statuses, served: gateways.map((gateway, index) => gateway.served - before[index]!) };
}

describe.skipIf(!available)('the balancer in front of the gateways', () => {
  afterEach(async () => {
    for (const gateway of gateways) gateway.ready = true;
    for (const gateway of gateways) await balancer.setServerState(gateway.name, 'ready');
    await seen({ 'gateway-0': 'UP', 'gateway-1': 'UP' });
  });

  it('lists only the checked entries as the gateways’ states', async () => {
    await seen({ 'gateway-0': 'UP', 'gateway-1': 'UP' });
    expect(Object.keys(await balancer.states()).sort()).toEqual(['gateway-0', 'gateway-1']);
  });

  it('sends nothing to a gateway failing its check while another passes', async () => {
    gateways[1]!.ready = false;
    await seen({ 'gateway-0': 'UP', 'gateway-1': 'DOWN' });
    const { statuses, served } = await send(10);
    expect(statuses).toEqual(Array(10).fill(200));
    expect(served).toEqual([10, 0]);
  });

  it('fails open: while every gateway fails its check, both still serve every request', async () => {
    for (const gateway of gateways) gateway.ready = false;
    await seen({ 'gateway-0': 'DOWN', 'gateway-1': 'DOWN' });
    const { statuses, served } = await send(10);
    expect(statuses).toEqual(Array(10).fill(200));
    // Round robin over the fail-open entries: both gateways take a share.
    expect(served[0]! + served[1]!).toBe(10);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
  });

  it('never fails open to a gateway an operator set to maint', async () => {
    gateways[0]!.ready = false;
    await balancer.setServerState('gateway-1', 'maint');
    await seen({ 'gateway-0': 'DOWN', 'gateway-1': 'MAINT' });
    const { statuses, served } = await send(10);
    expect(statuses).toEqual(Array(10).fill(200));
    expect(served).toEqual([10, 0]);
  });
});
