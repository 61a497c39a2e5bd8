import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
import { http } from '../../test/helpers/graphql.js';

const KEY = { 'x-api-key': 'dev-crm-key' };
const dir = mkdtempSync(join(tmpdir(), 'crm-restart-'));
const started: ServiceProcess[] = [];
afterAll(async () => {
  for (const service of started) await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  const service = await startService({ name: 'crm-system', entry: 'systems/crm/main.ts', env: { PORT: '0', BIZGRAPH_DATA_DIR: dir } });
  started.push(service);
  return service;
};

it('keeps a write across a real process restart', async () => {
  const first = await start();
  const written = await http('PATCH', `${first.url}/customers/cus_0007`, {
    headers: { ...KEY, 'if-match': '"1"' },
    body: { name: 'Renamed Before Restart', accountManager: null },
  });
  expect(written.status).toBe(200);
  await first.stop();

  const second = await start();
  const read = await http('GET', `${second.url}/customers/cus_0007`, { headers: KEY });
  expect(read.headers.etag).toBe('"2"');
  expect(read.body).toEqual(written.body);
});
