import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityReportFile } from '../common/contracts/integrity-report.js';
import { launchChromium, watchedPage } from './helpers/browser.js';
import { http } from './helpers/graphql.js';
import { startStack, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * Issue 16, the governance console at /console: the subgraphs with owner, system, SLA, live state
 * and breaker, and "what can this token see", on APIs that answer only to governance:read. A stack
 * of its own: the test stops a subgraph.
 */

let stack: Stack;
let browser: Browser;
let origin: string;
let admin: string;

beforeAll(async () => {
  // Usage counts flushed at once, so the catalog's "used by" shows the test's own operation.
  stack = await startStack({ gatewayEnv: { USAGE_FLUSH_INTERVAL_MS: '100' } });
  origin = stack.gateway!.url;
  admin = await devToken(stack.dataDir, { preset: 'admin' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

interface AccessAnswer {
  principal: { origin: string; scopes: string[] };
  explanation: { deniedReads: Array<{ coordinate: string; missing: string[][] | null }> };
}

describe('the console APIs', () => {
  it('answer 401 without a valid token and 403 without governance:read', async () => {
    const asked = (authorization?: string) => http('GET', `${origin}/console/api/subgraphs`, { headers: authorization ? { authorization } : {} });
    expect((await asked()).status).toBe(401);
    expect((await asked('Bearer not.a.token')).status).toBe(401);
    expect((await asked(`Bearer ${await devToken(stack.dataDir, { preset: 'sales' })}`)).status).toBe(403);
    const access = await http('POST', `${origin}/console/api/access`, {
      body: { preset: 'sales' },
      headers: { authorization: `Bearer ${await devToken(stack.dataDir, { preset: 'support' })}` },
    });
    expect(access.status).toBe(403);
    const allowed = await asked(`Bearer ${admin}`);
    expect(allowed.status).toBe(200);
    const body = allowed.body as { subgraphs: Array<{ name: string; owner?: { system: string } }> };
    expect(body.subgraphs.map((subgraph) => subgraph.name).sort()).toEqual(['billing', 'crm', 'erp', 'logistics', 'support']);
    expect(body.subgraphs.every((subgraph) => subgraph.owner?.system)).toBe(true);
  });

  it('explain what a preset or a verified token may not read, and why', async () => {
    const byPreset = await http<AccessAnswer>('POST', `${origin}/console/api/access`, { body: { preset: 'sales' }, headers: { authorization: `Bearer ${admin}` } });
    expect(byPreset.body.explanation.deniedReads).toContainEqual(expect.objectContaining({ coordinate: 'Customer.email', missing: [['pii:read']] }));
    const sales = await devToken(stack.dataDir, { preset: 'sales' });
    const byToken = await http<AccessAnswer>('POST', `${origin}/console/api/access`, { body: { token: sales }, headers: { authorization: `Bearer ${admin}` } });
    expect(byToken.body.principal.scopes.sort()).toEqual(['crm:read', 'erp:read', 'logistics:read', 'support:read']);
    expect(byToken.body.explanation.deniedReads).toEqual(byPreset.body.explanation.deniedReads);
    expect((await http('POST', `${origin}/console/api/access`, { body: { token: `${sales}x` }, headers: { authorization: `Bearer ${admin}` } })).status).toBe(400);
  });
});

describe('the console reference APIs', () => {
  it('find a field in the catalog with its owner, scopes, tags and who still uses it', async () => {
    const headers = { authorization: `Bearer ${admin}`, 'apollographql-client-name': 'console-test' };
    expect((await stack.query('query ConsoleUsage { customer(id: "cus_0002") { email } }', undefined, headers)).body.errors).toBeUndefined();
    type Hit = { coordinate: string; requires: string; tags: string[]; systems: string[]; usage: { clients: Array<{ name: string; calls: number }> } | null };
    let hit: Hit | undefined;
    for (let attempt = 0; attempt < 50 && !hit?.usage?.clients.some((client) => client.name === 'console-test'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const found = await http<{ hits: Hit[] }>('GET', `${origin}/console/api/catalog?q=Customer.email`, { headers: { authorization: `Bearer ${admin}` } });
      hit = found.body.hits[0];
    }
    expect(hit).toMatchObject({ coordinate: 'Customer.email', requires: 'crm:read AND pii:read', tags: ['pii'] });
    expect(hit!.usage!.clients).toContainEqual({ name: 'console-test', calls: 1, lastUsed: expect.any(String) });
  });

  it('filter the audit trail by subject, client and coordinate, metadata only', async () => {
    const support = await devToken(stack.dataDir, { preset: 'support' });
    const headers = { authorization: `Bearer ${support}`, 'apollographql-client-name': 'audit-probe' };
    expect((await stack.query('query AuditProbe { customer(id: "cus_0003") { name email } }', undefined, headers)).body.errors).toBeUndefined();
    type Line = { subject: string; clientName: string; operationName: string; classified: Array<{ coordinate: string; count: number }> };
    const trail = (query: string) => http<{ lines: Line[] }>('GET', `${origin}/console/api/audit?${query}`, { headers: { authorization: `Bearer ${admin}` } });
    let found = await trail('client=audit-probe&coordinate=Customer.email');
    for (let attempt = 0; attempt < 50 && found.body.lines.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      found = await trail('client=audit-probe&coordinate=Customer.email');
    }
    expect(found.body.lines).toHaveLength(1);
    expect(found.body.lines[0]).toMatchObject({
      subject: 'dev-support',
      clientName: 'audit-probe',
      operationName: 'AuditProbe',
      classified: [{ coordinate: 'Customer.email', count: 1 }],
    });
    // Which field went out, never its value.
    expect(JSON.stringify(found.body)).not.toContain('@');
    expect((await trail('client=audit-probe&subject=someone-else')).body.lines).toEqual([]);
    expect((await trail('client=audit-probe&coordinate=Customer.phone')).body.lines).toEqual([]);
    expect((await trail('from=yesterday')).status).toBe(400);
  });

  it('serve the scopes matrix and the changelog to governance:read only', async () => {
    const sales = { authorization: `Bearer ${await devToken(stack.dataDir, { preset: 'sales' })}` };
    for (const path of ['scopes-matrix', 'changelog', 'catalog?q=email', 'audit'])
      expect((await http('GET', `${origin}/console/api/${path}`, { headers: sales })).status).toBe(403);
    const matrix = await http<{ rows: Array<{ coordinate: string; requires: string }> }>('GET', `${origin}/console/api/scopes-matrix`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(matrix.body.rows).toContainEqual(expect.objectContaining({ coordinate: 'Customer.email', requires: 'crm:read AND pii:read' }));
    const changelog = await http('GET', `${origin}/console/api/changelog`, { headers: { authorization: `Bearer ${admin}` } });
    expect(String(changelog.body)).toContain('# Supergraph changelog');
  });
});

describe('the console page', () => {
  it('shows five subgraphs up, a stopped one down within 10 s, and what a sales token cannot read', async () => {
    const watched = await watchedPage(browser, origin);
    await watched.page.goto(`${origin}/console`);
    await watched.page.locator('#bizgraph-token').fill(admin);
    await watched.page.getByRole('button', { name: 'Use token' }).click();
    const state = (name: string) => watched.page.locator(`tr[data-subgraph="${name}"] td[data-column="state"]`);
    for (const name of ['crm', 'erp', 'billing', 'support', 'logistics']) await expect.poll(() => state(name).innerText(), { timeout: 20_000 }).toBe('up');
    // The recent fetch figures come from the gateway's own fetches: one query through it shows up for the CRM.
    expect((await stack.query('{ customer(id: "cus_0001") { name } }', undefined, { authorization: `Bearer ${admin}` })).body.errors).toBeUndefined();
    const crm = (column: string) => watched.page.locator(`tr[data-subgraph="crm"] td[data-column="${column}"]`);
    await expect.poll(() => crm('attempts').innerText(), { timeout: 10_000 }).not.toBe('0');
    expect(await crm('error-rate').innerText()).toBe('0.0 %');
    expect(await crm('p99').innerText()).toMatch(/^\d+$/);
    await watched.screenshot('console-up');

    await stack.subgraphs.support.stop();
    const stoppedAt = Date.now();
    await expect.poll(() => state('support').innerText(), { timeout: 10_000, interval: 200 }).toBe('down');
    console.log(`console: support shown down ${Date.now() - stoppedAt} ms after it stopped`);
    expect(await watched.page.locator('tr[data-subgraph="support"] td[data-column="breaker"]').innerText()).toMatch(/^(closed|open|half-open)$/);
    await expect.poll(() => state('crm').innerText()).toBe('up');

    await watched.page.getByLabel('Preset to explain').selectOption('sales');
    await watched.page.getByRole('button', { name: 'Explain preset' }).click();
    const denied = watched.page.getByRole('list', { name: 'Not readable' });
    await expect.poll(() => denied.innerText(), { timeout: 20_000 }).toContain('Customer.email needs pii:read');
    await watched.screenshot('console-support-down');

    // The reference test above read Customer.email as the client console-test.
    await watched.page.getByLabel('Search the catalog').fill('Customer.email');
    await watched.page.getByRole('button', { name: 'Search' }).click();
    const usage = watched.page.locator('tr[data-coordinate="Customer.email"] td[data-column="usage"]');
    await expect.poll(() => usage.innerText(), { timeout: 20_000 }).toContain('console-test');
    await usage.scrollIntoViewIfNeeded();
    await watched.screenshot('console-catalog');

    // The reference test above read Customer.email as audit-probe (support preset).
    await watched.page.getByLabel('Audit client').fill('audit-probe');
    await watched.page.getByLabel('Audit coordinate').fill('Customer.email');
    await watched.page.getByRole('button', { name: 'Show' }).click();
    const audited = watched.page.getByRole('table', { name: 'Audit lines' });
    await expect.poll(() => audited.innerText(), { timeout: 20_000 }).toContain('Customer.email ×1');
    expect(await audited.innerText()).toContain('dev-support');
    await audited.scrollIntoViewIfNeeded();
    await watched.screenshot('console-audit');

    // The latest integrity report, as `npm run integrity` leaves it in the data dir (test/integrity.test.ts runs the real scan).
    const report = {
      gateway: `${origin}/graphql`,
      finishedAt: new Date().toISOString(),
      references: [
        {
          name: 'invoice.order',
          description: 'billing → ERP',
          checked: 40,
          orphanCount: 2,
          orphanRatio: 0.05,
          unverifiedCount: 0,
          orphans: [
            { source: 'INV-1', reference: 'SO-9' },
            { source: 'INV-2', reference: 'SO-8' },
          ],
        },
      ],
    };
    mkdirSync(dirname(integrityReportFile(stack.dataDir)), { recursive: true });
    writeFileSync(integrityReportFile(stack.dataDir), JSON.stringify(report));
    await watched.page.getByText('Referential integrity (latest scan)').click();
    const integrity = watched.page.locator('tr[data-reference="invoice.order"]');
    await expect.poll(() => integrity.innerText(), { timeout: 20_000 }).toContain('INV-1 → SO-9');
    expect(await integrity.locator('td[data-column="orphans"]').innerText()).toBe('2 (5.00 %)');
    expect(watched.foreignRequests).toEqual([]);
    expect(watched.problems).toEqual([]);
    await watched.close();
  });
});
