import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../scripts/lib/processes.js';
import { launchChromium, watchedPage, type WatchedPage } from './helpers/browser.js';
import { dataset, formatCents } from './helpers/expected.js';
import { agingBySeed, customersAtRiskBySeed, orderToCashBySeed, revenueBySql, type OrderToCashCheck } from './helpers/report-expected.js';
import { npmScript } from './helpers/npm-script.js';
import { startStack, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * Issue 16, part 4: the executive report at /report, a real consumer of the API. Its figures equal
 * the seed's, computed here independently (SQL over the seed for revenue, the seed's legacy codes
 * for the order-to-cash checks); every table downloads as CSV; with billing stopped the billing
 * panels say so and the others render; the page asks nothing of any other origin. A stack of its
 * own, whose gateway runs only the safelist (the report sends the manifest's texts); the last test
 * stops billing.
 */

let stack: Stack;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  stack = await startStack({ gatewayEnv: { PERSISTED_OPERATIONS: 'safelist' } });
  origin = stack.gateway!.url;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openReport(preset: 'finance' | 'reporting', hash: string): Promise<WatchedPage> {
  const watched = await watchedPage(browser, origin);
  const page = await watched.page.goto(`${origin}/report#${hash}`);
  expect(page?.status()).toBe(200);
  expect(page?.headers()['content-security-policy']).toContain("default-src 'none'");
  await watched.page.locator('#bizgraph-token').fill(await devToken(stack.dataDir, { preset }));
  await watched.page.getByRole('button', { name: 'Use token' }).click();
  return watched;
}

const panel = (watched: WatchedPage, id: string) => watched.page.locator(`section[data-panel="${id}"]`);
const cellText = (watched: WatchedPage, panelId: string, row: string, column: string) =>
  panel(watched, panelId).locator(`tr[data-row="${row}"] td[data-column="${column}"]`).innerText();
/** A displayed amount (`1,234.50`) back to cents. */
const cents = (text: string) => Math.round(Number(text.replace(/,/g, '')) * 100);

async function expectClean(watched: WatchedPage): Promise<void> {
  expect(watched.foreignRequests).toEqual([]);
  expect(watched.problems).toEqual([]);
  await watched.close();
}

describe('the executive report', () => {
  it('runs against a gateway that refuses every operation outside the safelist', async () => {
    const { body } = await stack.query('query NotPersisted { orders(first: 1) { nodes { number } } }', undefined, {
      authorization: `Bearer ${await devToken(stack.dataDir, { preset: 'reporting' })}`,
    });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_ALLOWED']);
  });

  it('shows revenue per month and currency equal to a SQL SUM over the seed, with a finance token, and exports it as CSV', async () => {
    const [from, to] = ['2025-01-01', '2026-01-01'];
    const expected = await revenueBySql(dataset, from, to);
    expect(expected.length).toBeGreaterThan(20);
    const watched = await openReport('finance', 'revenue');
    await watched.page.locator('#report-from').fill(from);
    await watched.page.locator('#report-to').fill(to);
    await watched.page.getByRole('button', { name: 'Show period' }).click();
    const rows = panel(watched, 'revenue').locator('.report-table tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(expected.length);
    for (const row of expected) {
      const key = `${row.month} ${row.currency}`;
      expect(await cellText(watched, 'revenue', key, 'invoices')).toBe(String(row.invoices));
      expect(cents(await cellText(watched, 'revenue', key, 'invoiced'))).toBe(row.invoicedCents);
      expect(cents(await cellText(watched, 'revenue', key, 'paid'))).toBe(row.paidCents);
    }
    // The totals row per currency: the SQL SUM over the period, never across currencies.
    for (const currency of new Set(expected.map((row) => row.currency))) {
      const invoiced = expected.filter((row) => row.currency === currency).reduce((sum, row) => sum + row.invoicedCents, 0);
      expect(cents(await cellText(watched, 'revenue', `Total ${currency}`, 'invoiced'))).toBe(invoiced);
    }
    expect(await panel(watched, 'revenue').locator('.report-as-of').innerText()).toMatch(/^As of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(billing\)$/);
    expect(await panel(watched, 'revenue').locator('canvas').count()).toBeGreaterThan(0);
    expect(await panel(watched, 'revenue').locator('[data-unavailable]').count()).toBe(0);
    await expect.poll(() => panel(watched, 'sales').locator('.report-table tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(20);
    await watched.screenshot('report-revenue');

    const download = watched.page.waitForEvent('download');
    await panel(watched, 'revenue')
      .getByRole('button', { name: /^Download CSV/ })
      .click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`revenue-by-month-${from}-${to}.csv`);
    const lines = readFileSync((await file.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('Month,Currency,Invoices,Invoiced,Paid,Outstanding');
    const body = lines.slice(1).filter((line) => !line.startsWith('Total,'));
    expect(body).toEqual(
      expected.map((row) =>
        [row.month, row.currency, row.invoices, formatCents(row.invoicedCents), formatCents(row.paidCents), formatCents(row.invoicedCents - row.paidCents)].join(','),
      ),
    );
    expect(lines.filter((line) => line.startsWith('Total,')).length).toBe(new Set(expected.map((row) => row.currency)).size);
    await expectClean(watched);
  });

  it('shows the receivables aging at a date, owed per bucket and currency as the seed has it, with a chart per currency', async () => {
    const expected = agingBySeed(dataset, '2026-03-01T00:00:00.000Z');
    expect(expected.size).toBeGreaterThan(6);
    const watched = await openReport('finance', 'aging');
    await watched.page.locator('#report-as-of').fill('2026-03-01');
    await watched.page.getByRole('button', { name: 'Age', exact: true }).click();
    await expect.poll(() => panel(watched, 'aging').locator('h2').innerText(), { timeout: 30_000 }).toContain('at 2026-03-01');
    const rows = panel(watched, 'aging').locator('.report-table tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const cells = (column: string) => panel(watched, 'aging').locator(`.report-table tbody td[data-column="${column}"]`).allInnerTexts();
    const [buckets, currencies, invoices, amounts] = [await cells('bucket'), await cells('currency'), await cells('invoices'), await cells('amountDue')];
    const shown = new Map(currencies.map((currency, index) => [`${buckets[index]} ${currency}`, { invoices: Number(invoices[index]), dueCents: cents(amounts[index]!) }]));
    expect(Object.fromEntries(shown)).toEqual(Object.fromEntries(expected));
    expect(await panel(watched, 'aging').locator('canvas').count()).toBe(new Set(currencies).size);
    expect(await panel(watched, 'aging').locator('.report-as-of').innerText()).toContain('(billing)');
    await watched.screenshot('report-aging');
    await expectClean(watched);
  });

  it('counts the order-to-cash checks as the seed classifies them, with examples, with a reporting token', async () => {
    const expected = orderToCashBySeed(dataset);
    const watched = await openReport('reporting', 'order-to-cash');
    const orders = (check: OrderToCashCheck) => cellText(watched, 'order-to-cash', check, 'orders');
    await expect.poll(() => orders('approved-not-invoiced'), { timeout: 60_000 }).toMatch(/^\d+$/);
    for (const check of Object.keys(expected) as OrderToCashCheck[]) {
      expect({ check, orders: Number(await orders(check)) }).toEqual({ check, orders: expected[check].size });
      const examples = (await cellText(watched, 'order-to-cash', check, 'examples')).split(' ').filter(Boolean);
      expect(examples.length).toBe(Math.min(3, expected[check].size));
      for (const number of examples) expect(expected[check].has(number)).toBe(true);
    }
    const asOf = await panel(watched, 'order-to-cash').locator('.report-as-of').innerText();
    for (const system of ['billing', 'erp', 'logistics']) expect(asOf).toMatch(new RegExp(`\\(([a-z]+, )*${system}(, [a-z]+)*\\)`));
    await watched.screenshot('report-order-to-cash');
    await expectClean(watched);
  });

  it('makes the checks a finance token can read and says which it cannot (no logistics:read)', async () => {
    const watched = await openReport('finance', 'order-to-cash');
    const orders = (check: OrderToCashCheck) => cellText(watched, 'order-to-cash', check, 'orders');
    await expect.poll(() => orders('approved-not-invoiced'), { timeout: 60_000 }).toBe(String(orderToCashBySeed(dataset)['approved-not-invoiced'].size));
    for (const check of ['invoiced-not-shipped', 'shipped-unpaid', 'erp-shipped-no-parcel'] as const)
      expect(await orders(check)).toBe('not checked: logistics not readable with this token');
    expect(await panel(watched, 'order-to-cash').getByRole('alert').innerText()).toContain('This token may not read Order.shipments');
    await watched.screenshot('report-order-to-cash-finance');
    await expectClean(watched);
  });

  it('lists the customers with open high-priority tickets and overdue invoices as the seed has them', async () => {
    const expected = customersAtRiskBySeed(dataset);
    expect(expected.length).toBeGreaterThan(0);
    const watched = await openReport('reporting', 'customers-at-risk');
    const rows = panel(watched, 'customers-at-risk').locator('.report-table tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(expected.length);
    const ids = await panel(watched, 'customers-at-risk')
      .locator('.report-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row')));
    expect(ids).toEqual(expected);
    await watched.screenshot('report-customers-at-risk');
    await expectClean(watched);
  });

  it('npm run report serves the page from its sources and passes its calls to the gateway', async () => {
    const port = await freePort();
    const { command, args } = npmScript('report');
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, REPORT_PORT: String(port), GATEWAY_URL: origin }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let printed = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()).includes('executive report:') && resolve());
        child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`npm run report exited ${code}: ${printed}`)));
      });
      expect(printed).toContain(`executive report: http://127.0.0.1:${port}/report.html`);
      expect(printed).not.toContain('not answering');
      const dev = `http://127.0.0.1:${port}`;
      const watched = await watchedPage(browser, dev);
      await watched.page.goto(`${dev}/report.html#aging`);
      await watched.page.locator('#bizgraph-token').fill(await devToken(stack.dataDir, { preset: 'finance' }));
      await watched.page.getByRole('button', { name: 'Use token' }).click();
      await expect.poll(() => panel(watched, 'aging').locator('.report-table tbody tr').count(), { timeout: 60_000 }).toBeGreaterThan(0);
      expect(await panel(watched, 'aging').locator('.report-as-of').innerText()).toContain('(billing)');
      await expectClean(watched);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('says billing is unavailable in the billing panels and renders the others while billing is stopped', async () => {
    await stack.subgraphs.billing.stop();
    const watched = await openReport('reporting', 'revenue');
    const billingDown = (id: string) => panel(watched, id).locator('[data-unavailable="billing"]');
    await expect.poll(() => billingDown('revenue').count(), { timeout: 30_000 }).toBe(1);
    expect(await billingDown('revenue').innerText()).toContain('billing is unavailable');
    await expect.poll(() => panel(watched, 'sales').locator('.report-table tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(20);
    expect(await panel(watched, 'sales').locator('[data-unavailable]').count()).toBe(0);
    await watched.screenshot('report-billing-down-revenue');

    await watched.page.getByRole('link', { name: 'Receivables aging' }).click();
    await expect.poll(() => billingDown('aging').count(), { timeout: 30_000 }).toBe(1);

    await watched.page.getByRole('link', { name: 'Order-to-cash' }).click();
    await expect.poll(() => billingDown('order-to-cash').count(), { timeout: 60_000 }).toBe(1);
    // The check between the ERP and the carrier still counts; those that need billing say why they do not.
    expect(Number(await cellText(watched, 'order-to-cash', 'erp-shipped-no-parcel', 'orders'))).toBe(orderToCashBySeed(dataset)['erp-shipped-no-parcel'].size);
    expect(await cellText(watched, 'order-to-cash', 'shipped-unpaid', 'orders')).toBe('not checked: billing unavailable');
    await watched.screenshot('report-billing-down-order-to-cash');

    await watched.page.getByRole('link', { name: 'Customers at risk' }).click();
    await expect.poll(() => billingDown('overdue-invoices').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => panel(watched, 'high-priority-tickets').locator('.report-table tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await panel(watched, 'high-priority-tickets').locator('[data-unavailable]').count()).toBe(0);
    await watched.screenshot('report-billing-down-customers-at-risk');
    await expectClean(watched);
  });
});
