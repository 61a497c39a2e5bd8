import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../gateway/src/config.js';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { http } from './helpers/graphql.js';
import { ACME_SUPERGRAPH, startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { countRequestsTo, type UpstreamCounter } from './limits-upstream-counter.js';
import { npmScript } from './helpers/npm-script.js';

/** `npm run persist` and safelist mode (PERSISTED_OPERATIONS=safelist) on the ACME fixture. */
const run = promisify(execFile);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const scratch = mkdtempSync(join(tmpdir(), 'bizgraph-persisted-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function persist(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const persist = npmScript('persist', args);
    const { stderr } = await run(persist.command, persist.args, { cwd: process.cwd() });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

function operationsDir(name: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const PRODUCT = 'query Product($id: ID!) {\n  product(id: $id) {\n    ...Basics\n  }\n}';
const PRODUCTS = 'query Products {\n  products {\n    id\n  }\n}';
const BASICS = 'fragment Basics on Product {\n  id\n  name\n}';

describe('npm run persist', () => {
  it('writes the manifest: one entry per named operation, sorted by name, fragments appended', async () => {
    const dir = operationsDir('ops', {
      'products.graphql': `# every product\n${PRODUCTS}\n\n${PRODUCT}\n`,
      'fragments.graphql': `${BASICS}\n`,
      'notes.txt': 'not an operation',
    });
    const out = join(scratch, 'manifest.json');
    expect(await persist(dir, '--out', out)).toEqual({ code: 0, stderr: `wrote 2 operations to ${out}\n` });
    const productBody = `${PRODUCT}\n\n${BASICS}`;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      format: 'bizgraph-persisted-operations/1',
      operations: [
        { id: sha256(productBody), name: 'Product', body: productBody },
        { id: sha256(PRODUCTS), name: 'Products', body: PRODUCTS },
      ],
    });
  });

  it('refuses anonymous operations and duplicate names with exit 2', async () => {
    const anonymous = operationsDir('anon', { 'a.graphql': '{ products { id } }' });
    expect(await persist(anonymous, '--out', join(scratch, 'x.json'))).toEqual({
      code: 2,
      stderr: `persist: ${join(anonymous, 'a.graphql')}: anonymous query; every persisted operation needs a unique name\n`,
    });
    const duplicate = operationsDir('dup', { 'a.graphql': PRODUCTS, 'b.graphql': PRODUCTS });
    expect(await persist(duplicate, '--out', join(scratch, 'x.json'))).toEqual({
      code: 2,
      stderr: `persist: ${join(duplicate, 'b.graphql')}: operation "Products" is already defined in ${join(duplicate, 'a.graphql')}\n`,
    });
  });
});

describe('safelist mode', () => {
  let inventory: ServiceProcess;
  let gateway: ServiceProcess;
  let counter: UpstreamCounter;
  const manifest = join(scratch, 'safelist.json');
  const productBody = `${PRODUCT}\n\n${BASICS}`;
  const post = async (body: unknown) => {
    const { status, body: answer } = await http('POST', `${gateway.url}/graphql`, { body });
    return { status, body: answer as unknown };
  };
  const NOT_ALLOWED = {
    status: 400,
    body: { errors: [{ message: 'Only operations from the persisted-operations manifest are accepted', extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' } }] },
  };

  beforeAll(async () => {
    const dir = operationsDir('safelist', { 'product.graphql': `${PRODUCT}\n${BASICS}\n` });
    expect((await persist(dir, '--out', manifest)).code).toBe(0);
    inventory = await startAcme('inventory');
    counter = await countRequestsTo(inventory.url);
    gateway = await startGateway({
      SUBGRAPH_INVENTORY_URL: `${counter.url}/graphql`,
      SUBGRAPH_REVIEWS_URL: 'http://127.0.0.1:9/graphql',
      PERSISTED_OPERATIONS: 'safelist',
      PERSISTED_MANIFEST: manifest,
    });
  });
  afterAll(async () => {
    await stopAll([gateway, inventory]);
    await counter?.close();
  });
  beforeEach(() => counter.reset());

  it('answers a listed operation sent by hash alone', async () => {
    const response = await post({ variables: { id: 'p1' }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(productBody) } } });
    expect(response).toEqual({ status: 200, body: { data: { product: { id: 'p1', name: 'Anvil' } } } });
    expect(counter.count()).toBe(1);
  });

  it('answers a listed operation sent as its exact text', async () => {
    const response = await post({ query: productBody, variables: { id: 'p2' } });
    expect(response).toEqual({ status: 200, body: { data: { product: { id: 'p2', name: 'Rocket skates' } } } });
    expect(counter.count()).toBe(1);
  });

  it('refuses unlisted operations (text, hash, text with its hash, a reformatted listed one, a batch member) without calling the subgraph', async () => {
    const other = '{ products { id name } }';
    expect(await post({ query: other })).toEqual(NOT_ALLOWED);
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(other) } } })).toEqual(NOT_ALLOWED);
    expect(await post({ query: other, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(other) } } })).toEqual(NOT_ALLOWED);
    expect(await post({ query: `${productBody} `, variables: { id: 'p1' } })).toEqual(NOT_ALLOWED);
    const batch = await post([{ query: productBody, variables: { id: 'p3' } }, { query: other }]);
    expect(batch).toEqual({ status: 400, body: [{ data: { product: { id: 'p3', name: 'Giant magnet' } } }, NOT_ALLOWED.body] });
    expect(counter.count()).toBe(1);
  });
});

describe('persisted operations settings', () => {
  const argv = ['--supergraph', ACME_SUPERGRAPH];
  it('reads PERSISTED_OPERATIONS (apq by default) and refuses anything else', () => {
    expect(readGatewayConfig({}, argv).persisted.mode).toBe('apq');
    expect(readGatewayConfig({ PERSISTED_OPERATIONS: 'safelist' }, argv).persisted.mode).toBe('safelist');
    expect(() => readGatewayConfig({ PERSISTED_OPERATIONS: 'all' }, argv)).toThrow('PERSISTED_OPERATIONS: expected "off", "apq" or "safelist", got "all"');
    expect(() => readGatewayConfig({ REDIS_URL: 'http://cache' }, argv)).toThrow('REDIS_URL: expected a redis: or rediss: URL');
  });

  it('stops the gateway in safelist mode when the manifest is missing or malformed, naming PERSISTED_MANIFEST', async () => {
    const missing = join(scratch, 'missing.json');
    await expect(startGateway({ PERSISTED_OPERATIONS: 'safelist', PERSISTED_MANIFEST: missing })).rejects.toThrow(
      /exited \(1\) before listening:[\s\S]*PERSISTED_MANIFEST: \S+missing\.json: cannot be read \(ENOENT\)/,
    );
    const malformed = join(scratch, 'malformed.json');
    writeFileSync(malformed, JSON.stringify({ format: 'bizgraph-persisted-operations/1', operations: [{ id: 'abc', name: 'X', body: '{ products { id } }' }] }));
    await expect(startGateway({ PERSISTED_OPERATIONS: 'safelist', PERSISTED_MANIFEST: malformed })).rejects.toThrow(
      /PERSISTED_MANIFEST: \S+malformed\.json: operations\[0\] \(X\): \\"id\\" is not the sha256 of \\"body\\"/,
    );
  });
});
