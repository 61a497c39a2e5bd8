import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/processes.js';
import { CUSTOMER_OVERVIEW, dataset, expectedOverview } from './helpers/expected.js';
import { graphql as anonymousGraphql } from './helpers/graphql.js';
import { devToken } from './helpers/tokens.js';
import { npmScript } from './helpers/npm-script.js';
import { eventually } from './fixtures/acme/harness.js';

/**
 * `npm start` as a user runs it: the supervisor on the default ports, first start seeding, a
 * clean Ctrl-C, and a second start that reuses the data (a write survives).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-start-'));
const ENDPOINT = 'http://127.0.0.1:4000/graphql';
/** The supervisor's gateway signs with the dev issuer key under `dataDir`; so does this token. */
const graphql = async (url: string, query: string, variables?: Record<string, unknown>) =>
  anonymousGraphql(url, query, variables, { authorization: `Bearer ${await devToken(dataDir, { preset: 'admin' })}` });

const supervisors: ChildProcess[] = [];

function startSupervisor(): { child: ChildProcess; ready: Promise<string>; output(): string } {
  const start = npmScript('start');
  const child = spawn(start.command, start.args, {
    cwd: ROOT,
    env: { ...process.env, BIZGRAPH_DATA_DIR: dataDir, PORT: '', NODE_ENV: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  supervisors.push(child);
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('bizgraph is up')) resolve(output);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was up:\n${output}`)));
  });
  return { child, ready, output: () => output };
}

async function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

/** The process listening on a local port (a child of the supervisor), read from the kernel's socket table. */
function pidListeningOn(port: number): number {
  const line = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(line)?.[1];
  if (!pid) throw new Error(`nothing listens on port ${port}: ${line}`);
  return Number(pid);
}

afterAll(async () => {
  // A failed assertion must not leave the stack holding the default ports.
  await Promise.all(supervisors.filter((child) => child.exitCode === null && child.signalCode === null).map(interrupt));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('starts the stack, stops on Ctrl-C, and a second start reuses the data', async () => {
    const first = startSupervisor();
    const output = await first.ready;
    expect(output).toContain(ENDPOINT);
    for (const name of ['crm-system', 'support-system', 'logistics-system', 'crm', 'erp', 'billing', 'support', 'logistics', 'gateway']) expect(output).toContain(`[${name}]`);

    const overview = await graphql(ENDPOINT, CUSTOMER_OVERVIEW, { id: 'cus_0001' });
    expect(overview.body).toEqual({ data: expectedOverview('cus_0001') });
    const created = await graphql(
      ENDPOINT,
      /* GraphQL */ `
        mutation ($input: CreateOrderInput!) {
          createOrder(input: $input) {
            number
          }
        }
      `,
      { input: { idempotencyKey: 'start-test', customerId: 'cus_0001', lines: [{ sku: dataset.products[0]!.sku, quantity: 1 }] } },
    );
    const number = created.body.data!.createOrder.number as string;
    expect(await interrupt(first.child)).toBe(0);

    const second = startSupervisor();
    await second.ready;
    const found = await graphql(ENDPOINT, `{ order(number: "${number}") { number customer { id } } }`);
    expect(found.body).toEqual({ data: { order: { number, customer: { id: 'cus_0001' } } } });
    const count = await graphql(ENDPOINT, '{ customers(first: 1000) { nodes { id } } }');
    expect(count.body.data!.customers.nodes).toHaveLength(dataset.customers.length);
    expect(await interrupt(second.child)).toBe(0);
  }, 300_000);

  it('restarts a subgraph and the gateway that die, and stops everything with exit code 1 when the gateway cannot be kept up', async () => {
    const supervisor = startSupervisor();
    await supervisor.ready;
    const crmPort = 4001;
    process.kill(pidListeningOn(crmPort), 'SIGKILL');
    await eventually(async () => {
      if (!/\[crm\]\s+serving again at http:\/\/127\.0\.0\.1:4001, \d+ ms after its restart began/.test(supervisor.output())) throw new Error('crm not back yet');
    });
    expect(supervisor.output()).toMatch(/\[crm\]\s+exited \(SIGKILL\) unexpectedly \(the gateway answers its fields with SUBGRAPH_UNAVAILABLE meanwhile\)/);
    expect(supervisor.output()).toMatch(/\[crm\]\s+restarting in 0\.5 s \(attempt 1\)/);
    // cus_0002: the first test wrote an order for cus_0001 into the same data.
    expect((await graphql(ENDPOINT, CUSTOMER_OVERVIEW, { id: 'cus_0002' })).body).toEqual({ data: expectedOverview('cus_0002') });

    process.kill(pidListeningOn(4000), 'SIGKILL');
    const back = await eventually(async () => {
      const match = /\[gateway\]\s+serving again at http:\/\/127\.0\.0\.1:4000, (\d+) ms after its restart began/.exec(supervisor.output());
      if (!match) throw new Error('gateway not back yet');
      return Number(match[1]);
    });
    console.log(`gateway restarted by npm start: serving again ${back} ms after its restart began`);
    expect((await graphql(ENDPOINT, CUSTOMER_OVERVIEW, { id: 'cus_0002' })).body).toEqual({ data: expectedOverview('cus_0002') });

    // The gateway's port taken by another process: every restart fails, and after five the supervisor gives up.
    const exited = new Promise<number | null>((resolve) => supervisor.child.once('exit', (code) => resolve(code)));
    const gatewayPid = pidListeningOn(4000);
    const squatter = createServer();
    process.kill(gatewayPid, 'SIGKILL');
    await eventually(async () => {
      await new Promise<void>((resolve, reject) => {
        squatter.once('error', reject);
        squatter.listen(4000, '127.0.0.1', () => resolve());
      });
    });
    try {
      expect(await exited).toBe(1);
    } finally {
      squatter.close();
    }
    expect(supervisor.output()).toMatch(/\[gateway\]\s+restart failed: gateway exited \(1\) before listening/);
    expect(supervisor.output()).toContain('bizgraph: gateway failed 5 times in a row; it cannot be kept up; stopping everything');
    // Everything stopped: no child is left on the stack's ports.
    for (const port of [4001, 4002, 4003, 4004, 4005]) expect(execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim(), `port ${port}`).toBe('');
  }, 300_000);
});
