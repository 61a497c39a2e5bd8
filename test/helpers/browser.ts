import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../../scripts/lib/processes.js';

/**
 * Debian's Chromium driven by playwright-core (`npx playwright install` cannot download here):
 * no background networking, so every request a page makes is one the page asked for.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS_DIR = join(ROOT, 'test', 'screenshots');

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--disable-background-networking', '--no-sandbox'] });
}

export interface WatchedPage {
  page: Page;
  /** Every URL the page requested that is not on `origin` (data: and blob: are the page's own). */
  foreignRequests: string[];
  /** Uncaught errors and console errors (a Content-Security-Policy refusal is one). */
  problems: string[];
  screenshot(name: string): Promise<string>;
  /** Closes the page's own browser context (its storage goes with it). */
  close(): Promise<void>;
}

/**
 * A 1400×900 page in a context of its own (no storage shared with another test's page), recording
 * what it requests outside `origin` and every error it reports.
 */
export async function watchedPage(browser: Browser, origin: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // Well under a test's 60 s: a step that stalls fails on its own, naming what it waited for,
  // instead of the whole test timing out with no word of where.
  page.setDefaultTimeout(10_000);
  page.setDefaultNavigationTimeout(20_000);
  const foreignRequests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return {
    page,
    foreignRequests,
    problems,
    async screenshot(name) {
      mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      const path = join(SCREENSHOTS_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: () => context.close(),
  };
}
