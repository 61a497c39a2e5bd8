import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { operationHash, readManifest } from '../gateway/src/persisted/manifest.js';
import { npmScript } from '../test/helpers/npm-script.js';

/** `npm run persist -- DIR`: each immediate subdirectory of DIR is a client; top-level files have none unless --client. */
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'bizgraph-persist-clients-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function persist(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const persist = npmScript('persist', args);
    const { stderr } = await run(persist.command, persist.args, { cwd: process.cwd() });
    return { code: 0, stderr };
  } catch (error) {
    return { code: (error as { code: number }).code, stderr: (error as { stderr: string }).stderr };
  }
}

describe('npm run persist with client directories', () => {
  const dir = join(scratch, 'ops');
  mkdirSync(join(dir, 'web-portal'), { recursive: true });
  mkdirSync(join(dir, 'reporting', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'shared.graphql'), 'query Shared { products { nodes { sku } } }\n');
  writeFileSync(join(dir, 'web-portal', 'a.graphql'), 'query Portal { customer(id: "1") { name } }\n');
  writeFileSync(join(dir, 'reporting', 'b.graphql'), 'query Report { orders { nodes { number } } }\n');
  writeFileSync(join(dir, 'reporting', 'nested', 'c.graphql'), 'query Nested { orders { nodes { id } } }\n');

  const clients = (path: string) =>
    (JSON.parse(readFileSync(path, 'utf8')) as { operations: Array<{ name: string; clientName?: string }> }).operations.map(({ name, clientName }) => [name, clientName ?? null]);

  it('names each subdirectory as the client of its operations, not recursing further', async () => {
    const out = join(scratch, 'manifest.json');
    expect(await persist(dir, '--out', out)).toEqual({ code: 0, stderr: `wrote 3 operations to ${out}\n` });
    expect(clients(out)).toEqual([
      ['Portal', 'web-portal'],
      ['Report', 'reporting'],
      ['Shared', null],
    ]);
  });

  it('gives top-level files the --client name, and refuses --client without one', async () => {
    const out = join(scratch, 'with-client.json');
    expect((await persist(dir, '--out', out, '--client', 'batch-jobs')).code).toBe(0);
    expect(clients(out)).toEqual([
      ['Portal', 'web-portal'],
      ['Report', 'reporting'],
      ['Shared', 'batch-jobs'],
    ]);
    expect(await persist(dir, '--client')).toEqual({ code: 2, stderr: 'persist: --client needs one client name\nusage: npm run -s persist -- DIR [--out PATH] [--client NAME]\n' });
  });

  it('the gateway reads a manifest with client names, and refuses an empty one naming PERSISTED_MANIFEST', () => {
    const body = '{ products { nodes { sku } } }';
    const good = join(scratch, 'good.json');
    writeFileSync(good, JSON.stringify({ format: 'bizgraph-persisted-operations/1', operations: [{ id: operationHash(body), name: 'P', body, clientName: 'web-portal' }] }));
    expect([...readManifest(good).values()]).toEqual([body]);
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'bizgraph-persisted-operations/1', operations: [{ id: operationHash(body), name: 'P', body, clientName: '' }] }));
    expect(() => readManifest(bad)).toThrow(/PERSISTED_MANIFEST.*operations\[0\] \(P\): "clientName" must be a non-empty string when present/);
  });
});
