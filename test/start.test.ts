import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/processes.js';
import { CUSTOMER_OVERVIEW, dataset, expectedOverview } from './helpers/expected.js';
import { graphql as anonymousGraphql } from './helpers/graphql.js';
import { devToken } from './helpers/tokens.js';
import { npmScript } from './helpers/npm-script.js';

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

function startSupervisor(): { child: ChildProcess; ready: Promise<string> } {
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
  return { child, ready };
}

async function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
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
});
