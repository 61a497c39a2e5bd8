import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage, type WatchedPage } from './helpers/browser.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * Issue 16, the explorer: a browser opening the gateway's /graphql gets GraphiQL served by the
 * gateway itself (no CDN, a strict CSP), runs the README's query with the token it was given, lists
 * the systems it asked, shows what a sales token may not read, and documents each field's owner,
 * scopes and tags.
 */

let stack: SharedStack;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  stack = await borrowStack();
  origin = stack.gateway.url;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** How long one read inside `expect.poll` may wait for its element: a read that stalls is retried, not waited out. */
const POLLED_READ_MS = 2_000;

/** The response pane's text (Monaco draws spaces as no-break spaces). */
const responseText = async (watched: WatchedPage) => (await watched.page.locator('.graphiql-response').innerText({ timeout: POLLED_READ_MS })).replace(/\u00a0/g, ' ');

/** Scrolls the response pane down until `text` is drawn (Monaco renders only the visible lines). */
async function scrollResponseUntil(watched: WatchedPage, text: string): Promise<boolean> {
  await watched.page.locator('.graphiql-response').hover();
  for (let step = 0; step < 40; step++) {
    if ((await responseText(watched)).includes(text)) return true;
    await watched.page.mouse.wheel(0, 300);
    await watched.page.waitForTimeout(50);
  }
  return false;
}

/** Runs the editor's operation and waits for its answer from /graphql. */
async function run(watched: WatchedPage): Promise<unknown> {
  const answered = watched.page.waitForResponse((response) => response.url() === `${origin}/graphql` && (response.request().postData() ?? '').includes('CustomerOverview'));
  await watched.page.locator('.graphiql-execute-button').click();
  return (await answered).json();
}

describe('the explorer', () => {
  it('opens at /graphql, runs the README query with an admin token, and asks nothing of any other origin', async () => {
    const watched = await watchedPage(browser, origin);
    const page = await watched.page.goto(`${origin}/graphql`);
    expect(page?.status()).toBe(200);
    expect(page?.headers()['content-security-policy']).toContain("default-src 'none'");
    await watched.page.locator('.graphiql-container').waitFor();
    await watched.page.locator('#bizgraph-token').fill(await devToken(stack.dataDir, { preset: 'admin' }));
    await watched.page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => watched.page.getByRole('status').innerText({ timeout: POLLED_READ_MS }), { timeout: 20_000 }).toContain('dev-admin');

    const answer = (await run(watched)) as { data?: { customer?: { name?: string; email?: string } }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.customer?.email).toMatch(/@/);
    await expect.poll(() => responseText(watched), { timeout: 20_000 }).toContain(`"email": "${answer.data!.customer!.email}"`);
    await watched.screenshot('explorer-admin');

    // The plan view: the systems this run asked, in the order the fetches started, CRM first.
    await watched.page.getByRole('button', { name: 'Show Systems asked' }).click();
    const rows = watched.page.locator('.bizgraph-fetches-table tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(3);
    const systems = await rows.locator('td:nth-child(2)').allInnerTexts();
    expect(systems[0]).toBe('crm');
    expect(new Set(systems)).toEqual(new Set(['crm', 'erp', 'billing', 'support']));
    await watched.screenshot('explorer-plan');
    expect(watched.foreignRequests).toEqual([]);
    expect(watched.problems).toEqual([]);
    await watched.close();
  });

  it('mints a sales token from a development preset and shows email: null with the field error', async () => {
    const watched = await watchedPage(browser, origin);
    await watched.page.goto(`${origin}/explorer`);
    await watched.page.locator('.graphiql-container').waitFor();
    await watched.page.locator('#bizgraph-preset').selectOption('sales');
    await watched.page.getByRole('button', { name: 'Mint' }).click();
    await expect.poll(() => watched.page.getByRole('status').innerText({ timeout: POLLED_READ_MS }), { timeout: 20_000 }).toContain('dev-sales');

    const answer = (await run(watched)) as { data?: { customer?: { email?: unknown } }; errors?: Array<{ extensions?: { code?: string } }> };
    expect(answer.data?.customer?.email).toBeNull();
    expect(answer.errors?.map((error) => error.extensions?.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
    await expect.poll(() => responseText(watched), { timeout: 20_000 }).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
    // The errors come first; the editor draws only the lines in view, so scroll down to the data.
    expect(await scrollResponseUntil(watched, '"email": null')).toBe(true);
    await watched.screenshot('explorer-sales');
    expect(watched.foreignRequests).toEqual([]);
    expect(watched.problems).toEqual([]);
    await watched.close();
  });

  it("shows in the docs pane who owns Customer.email, the scopes it needs and its pii tag, from the gateway's catalog", async () => {
    const watched = await watchedPage(browser, origin);
    await watched.page.goto(`${origin}/explorer`);
    await watched.page.locator('.graphiql-container').waitFor();
    await watched.page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = watched.page.locator('.graphiql-doc-explorer');
    // The schema (introspection, then the catalog) must be in before searching: the list re-renders when it arrives.
    await expect.poll(() => docs.innerText({ timeout: POLLED_READ_MS }), { timeout: 20_000 }).toContain('Query');
    await watched.page.locator('.graphiql-doc-explorer-search input').fill('Customer');
    const options = watched.page.getByRole('option');
    await expect.poll(() => options.first().innerText({ timeout: POLLED_READ_MS }), { timeout: 20_000 }).toBe('Customer');
    await options.first().click();
    await expect.poll(() => docs.locator('.graphiql-doc-explorer-title').innerText({ timeout: POLLED_READ_MS }), { timeout: 20_000 }).toBe('Customer');
    await watched.page.locator('.graphiql-doc-explorer-field-name', { hasText: /^email$/ }).click();
    await expect.poll(() => docs.innerText({ timeout: POLLED_READ_MS }), { timeout: 20_000 }).toContain('Owner: system crm');
    const text = await docs.innerText();
    expect(text).toContain('Scopes: crm:read AND pii:read');
    expect(text).toContain('Tags: pii');
    await watched.screenshot('explorer-docs');
    expect(watched.foreignRequests).toEqual([]);
    expect(watched.problems).toEqual([]);
    await watched.close();
  });
});
