import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announceSubscriber, subscriberFile, subscriberUrls } from './subscribers.js';

describe('event subscribers of the HTTP transport', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bizgraph-subscribers-'));
    dirs.push(dir);
    return dir;
  };

  it('finds an announced subgraph, follows it to a new port, and knows none before it announced', async () => {
    const dir = dataDir();
    const urls = subscriberUrls(dir, {});
    expect(urls('billing')).toBeUndefined();
    await announceSubscriber(dir, 'billing', 'http://127.0.0.1:4003');
    expect(urls('billing')).toBe('http://127.0.0.1:4003');
    await announceSubscriber(dir, 'billing', 'http://127.0.0.1:5003');
    // The mtime may not move within the file system's resolution: set it so the change is seen.
    utimesSync(subscriberFile(dir, 'billing'), new Date(), new Date(Date.now() + 5000));
    expect(urls('billing')).toBe('http://127.0.0.1:5003');
  });

  it('prefers EVENTS_<NAME>_URL over what was announced', async () => {
    const dir = dataDir();
    await announceSubscriber(dir, 'erp', 'http://127.0.0.1:4002');
    expect(subscriberUrls(dir, { EVENTS_ERP_URL: 'http://erp.internal:4002/' })('erp')).toBe('http://erp.internal:4002');
  });
});
