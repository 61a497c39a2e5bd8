import { execFile, spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/processes.js';
import { dataset } from './helpers/expected.js';
import { scrape } from './helpers/metrics.js';
import { startOwnNats, type OwnNats } from './helpers/nats.js';
import { npmScript } from './helpers/npm-script.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './helpers/services.js';
import { startStack, type Stack } from './helpers/stack.js';
import { waitFor } from './helpers/wait-for.js';

/**
 * `npm run events` against a running stack (issue 17, point 5): the CLI reaches the ERP, billing
 * and logistics subgraphs through their `/events` routes with an internal token it mints from the
 * data dir's gateway key, as an operator on that host would. Its counts agree with `/metrics`;
 * a dead-lettered invoice is replayed once, and a second replay applies nothing.
 */

const CREATE_ORDER = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      number
    }
  }
`;

const INVOICE = /* GraphQL */ `
  query ($number: String!, $customer: ID!) {
    order(number: $number) {
      invoice {
        number
      }
    }
    customer(id: $customer) {
      invoices(first: 1000) {
        nodes {
          number
          order {
            number
          }
        }
      }
    }
  }
`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run -s events -- ARGS` against `stack` (its data dir's key, its subgraphs' URLs). */
function events(stack: Stack, args: string[]): Promise<CliResult> {
  const { command, args: argv } = npmScript('events', args);
  const urls = Object.fromEntries(['erp', 'billing', 'logistics'].map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${stack.subgraphs[name as 'erp'].url}/graphql`]));
  const env = { ...process.env, BIZGRAPH_DATA_DIR: stack.dataDir, NODE_ENV: 'test', ...urls };
  return new Promise((resolve) => {
    execFile(command, argv, { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const FULFILLMENT = /* GraphQL */ `
  query ($number: String!) {
    order(number: $number) {
      fulfillment {
        invoice {
          status
          attempts
          lastError
        }
        shipment {
          status
          attempts
          lastError
        }
      }
    }
  }
`;

async function placeOrder(stack: Stack, customerId: string, key: string): Promise<string> {
  const product = dataset.products[5]!;
  const created = await stack.query(CREATE_ORDER, { input: { idempotencyKey: key, customerId, lines: [{ sku: product.sku, quantity: 1 }] } });
  expect(created.body.errors).toBeUndefined();
  return (created.body.data!.createOrder as { number: string }).number;
}

interface StatsJson {
  outbox: Array<{ subgraph: string; source: string; type: string; published: number; unpublished: number }>;
  consumers: Array<{ subgraph: string; consumer: string; processed: number; deadLettered: number; held: number; lag: number | null }>;
  sinceStart: Array<{ subgraph: string; consumer: string; type: string; processed: number; deadLettered: number }>;
  errors: unknown[];
}

describe.each([{ transport: 'http' }, { transport: 'jetstream' }])('npm run events on a running stack ($transport)', ({ transport }) => {
  let nats: OwnNats | undefined;
  let stack: Stack;

  beforeAll(async () => {
    if (transport === 'jetstream') nats = await startOwnNats();
    stack = await startStack({ token: { preset: 'admin' }, env: nats ? { NATS_URL: nats.url } : {} });
  });
  afterAll(async () => {
    await stack?.stop();
    await nats?.dispose();
  });

  it('stats --json counts the order flow per producer and consumer, and /metrics shows the same counts', async () => {
    const number = await placeOrder(stack, 'cus_0004', 'events-cli-stats');
    const consumer = (stats: StatsJson, name: string) => stats.consumers.find((row) => row.consumer === name);
    const stats = await waitFor(
      async () => {
        const result = await events(stack, ['stats', '--json']);
        expect(result.code, result.stderr).toBe(0);
        const parsed = JSON.parse(result.stdout) as StatsJson;
        return consumer(parsed, 'billing.invoice-on-approval')?.processed === 1 && consumer(parsed, 'logistics.book-shipment')?.processed === 1 ? parsed : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: `${number} invoiced and booked, as events -- stats says` },
    );
    const approved = stats.outbox.find((row) => row.subgraph === 'erp' && row.type === 'order.approved')!;
    expect(approved.published).toBeGreaterThanOrEqual(1);
    expect(stats.errors).toEqual([]);
    expect(consumer(stats, 'billing.invoice-on-approval')).toMatchObject({ subgraph: 'billing', processed: 1, deadLettered: 0, held: 0, lag: 0 });
    expect(stats.sinceStart.find((row) => row.consumer === 'billing.invoice-on-approval' && row.type === 'order.approved')).toMatchObject({ processed: 1, deadLettered: 0 });

    const [erp, billing] = await Promise.all([scrape(stack.subgraphs.erp.url), scrape(stack.subgraphs.billing.url)]);
    expect(erp.sum('bizgraph_subgraph_outbox_published_total', { subgraph: 'erp', type: 'order.approved' })).toBe(approved.published);
    expect(erp.types.get('bizgraph_subgraph_outbox_oldest_unpublished_seconds')).toBe('gauge');
    expect(billing.sum('bizgraph_subgraph_consumer_events_total', { consumer: 'billing.invoice-on-approval', type: 'order.approved', outcome: 'processed' })).toBe(1);
    expect(billing.sum('bizgraph_subgraph_dead_letters', { consumer: 'billing.invoice-on-approval' })).toBe(0);
    // HTTP transport: the ERP delivered the approval to billing itself; on JetStream the broker did.
    if (transport === 'http') expect(erp.sum('bizgraph_subgraph_outbox_delivered_total', { subscriber: 'billing' })).toBeGreaterThanOrEqual(approved.published);
    else expect(erp.types.has('bizgraph_subgraph_outbox_delivered_total')).toBe(true);
  });

  it('stats as a table, tail newest last, and a mistyped command exits 2 naming the nearest', async () => {
    const table = await events(stack, ['stats']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^producer\s+event\s+published\s+unpublished$/m);
    // processed, held, dead, replayed, lag; on JetStream also the broker's backlog, drained by now.
    if (transport === 'http') {
      expect(table.stdout).toMatch(/^billing\s+billing\.invoice-on-approval\s+erp\.order\.approved\s+1\s+0\s+0\s+0\s+0$/m);
      expect(table.stdout).not.toContain('broker backlog');
    } else {
      expect(table.stdout).toMatch(/^subgraph\s+consumer\s+subjects\s+processed\s+held\s+dead\s+replayed\s+lag\s+broker backlog$/m);
      expect(table.stdout).toMatch(/^billing\s+billing\.invoice-on-approval\s+erp\.order\.approved\s+1\s+0\s+0\s+0\s+0\s+0$/m);
      const billing = await scrape(stack.subgraphs.billing.url);
      expect(billing.types.get('bizgraph_subgraph_consumer_backlog_events')).toBe('gauge');
      expect(billing.sum('bizgraph_subgraph_consumer_backlog_events', { consumer: 'billing.invoice-on-approval' })).toBe(0);
    }
    const tail = await events(stack, ['tail', '--limit', '5', '--json']);
    expect(tail.code).toBe(0);
    const rows = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { occurredAt: string; source: string; type: string });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.map((row) => row.occurredAt)).toEqual([...rows.map((row) => row.occurredAt)].sort());
    expect(rows.some((row) => row.source === 'erp' && row.type === 'order.approved')).toBe(true);
    const typo = await events(stack, ['stat']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "stat" (did you mean "stats"?)');
  });

  it('tail --follow prints an order placed after it started', async () => {
    const { command, args } = npmScript('events', ['tail', '--follow', '--json', '--limit', '1']);
    const urls = Object.fromEntries(['erp', 'billing', 'logistics'].map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, stack.subgraphs[name as 'erp'].url]));
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, BIZGRAPH_DATA_DIR: stack.dataDir, NODE_ENV: 'test', ...urls } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitFor(() => out.includes('\n'), { timeoutMs: 20_000, what: 'the first tail line' });
      const number = await placeOrder(stack, 'cus_0005', 'events-cli-tail');
      const line = await waitFor(
        () =>
          out
            .split('\n')
            .slice(0, -1) // the last piece is a line still being written
            .map((text) => JSON.parse(text) as { source: string; type: string; aggregateKey: string })
            .find((row) => row.aggregateKey === number),
        { timeoutMs: 20_000, intervalMs: 100, what: `${number} in tail --follow` },
      );
      expect(line).toMatchObject({ subgraph: 'erp', source: 'erp', type: 'order.approved', aggregateType: 'Order' });
    } finally {
      child.kill();
    }
  });
});

const postgres = await postgresAvailable();

describe.skipIf(!postgres)('npm run events -- replay (billing on PostgreSQL)', () => {
  let stack: Stack;
  let billingDb: TestDatabase;
  let billing: pg.Client;
  const customer = 'cus_0006';

  beforeAll(async () => {
    billingDb = await createTestDatabase('bizgraph_events_cli_billing');
    stack = await startStack({ token: { preset: 'admin' }, billingDatabaseUrl: billingDb.url, env: { EVENTS_MAX_DELIVERIES: '2', EVENTS_RETRY_BASE_MS: '100' } });
    billing = new pg.Client({ connectionString: billingDb.url });
    await billing.connect();
  }, 120_000);
  afterAll(async () => {
    await billing?.end();
    await stack?.stop();
    await billingDb?.drop();
  });

  it('a closed account dead-letters the invoice; once reopened, replay ID invoices it exactly once, and again says already replayed', async () => {
    await billing.query("UPDATE cust_acct SET status_cd = 'C' WHERE crm_ref = $1", [customer]);
    const number = await placeOrder(stack, customer, 'events-cli-dead');
    interface Dead {
      consumer: string;
      eventId: string;
      type: string;
      aggregateKey: string;
      attempts: number;
      lastError: string;
    }
    const letter = await waitFor(
      async () => {
        const result = await events(stack, ['dead', '--json']);
        expect(result.code, result.stderr).toBe(0);
        return (JSON.parse(result.stdout) as { deadLetters: Dead[] }).deadLetters.find((row) => row.aggregateKey === number);
      },
      { timeoutMs: 30_000, intervalMs: 300, what: `the approval of ${number} dead-lettered by billing` },
    );
    expect(letter).toMatchObject({ consumer: 'billing.invoice-on-approval', type: 'order.approved', attempts: 2 });
    expect(letter.lastError).toContain('is closed');
    const table = await events(stack, ['dead']);
    expect(table.stdout).toMatch(new RegExp(`^billing\\.invoice-on-approval\\s+${letter.eventId}\\s+order\\.approved\\s+Order ${number}\\s+2\\s`, 'm'));

    // The process view says where the flow stopped, and why; the other systems and orders flow on.
    const stepsOf = async (order: string, of: string) => {
      const answer = await stack.query(FULFILLMENT, { number: order });
      expect(answer.body.errors, of).toBeUndefined();
      return (answer.body.data!.order as { fulfillment: Record<string, { status: string; attempts: number; lastError: string | null }> }).fulfillment;
    };
    const stopped = await waitFor(async () => {
      const steps = await stepsOf(number, 'dead-lettered order');
      return steps.shipment!.status === 'DONE' ? steps : undefined;
    });
    expect(stopped.invoice).toMatchObject({ status: 'DEAD_LETTERED', attempts: 2 });
    expect(stopped.invoice!.lastError).toContain('is closed');
    const other = await placeOrder(stack, 'cus_0007', 'events-cli-flows-on');
    await waitFor(async () => (await stepsOf(other, 'another customer')).invoice!.status === 'DONE', { timeoutMs: 30_000, what: `${other} invoiced beside the dead letter` });

    await billing.query("UPDATE cust_acct SET status_cd = 'A' WHERE crm_ref = $1", [customer]);
    const first = await events(stack, ['replay', letter.eventId]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^billing\\.invoice-on-approval\\s+${letter.eventId}\\s+replayed: applied once$`, 'm'));
    const second = await events(stack, ['replay', letter.eventId]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^billing\\.invoice-on-approval\\s+${letter.eventId}\\s+already replayed$`, 'm'));

    const invoices = await billing.query<{ inv_no: string }>('SELECT inv_no FROM inv_header WHERE order_ref = $1', [number]);
    expect(invoices.rows).toHaveLength(1);
    const answer = await stack.query(INVOICE, { number, customer });
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data!.order as { invoice: { number: string } }).invoice.number).toBe(invoices.rows[0]!.inv_no);
    expect((await stepsOf(number, 'replayed order')).invoice).toMatchObject({ status: 'DONE' });
    const dead = JSON.parse((await events(stack, ['dead', '--json'])).stdout) as { deadLetters: Dead[] };
    expect(dead.deadLetters.filter((row) => row.eventId === letter.eventId)).toEqual([]);
  });
});
