import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isNonNullType, isObjectType, parse, validate } from 'graphql';
import { buildManifest } from '../gateway/src/persisted/build-manifest.js';
import { apiSchemaOf } from '../schema/tools/lib/api-schema.js';
import { ROOT } from '../scripts/lib/processes.js';
import { parseArgs, UsageError } from '../scripts/integrity/args.js';
import { REFERENCES, scopesFor } from '../scripts/integrity/references.js';
import { formatTable, promText } from '../scripts/integrity/report.js';
import { orphanRatio, pageQuery, ReferenceTally, type ReferenceNode } from '../scripts/integrity/scan.js';
import { generateDataset } from '../systems/seed/generate.js';
import { parseExposition } from './helpers/metrics.js';
import { startStack, type Stack } from './helpers/stack.js';
import { npmScript } from './helpers/npm-script.js';
import { devToken } from './helpers/tokens.js';
import { integrityReportFile } from '../common/contracts/integrity-report.js';

const spec = REFERENCES.find((reference) => reference.name === 'invoice.order')!;
const node = (key: string, value: string | null, resolved: boolean): ReferenceNode => ({
  key,
  reference: value === null ? null : { value },
  target: resolved ? { resolved: 'x' } : null,
});

describe('orphan counting', () => {
  it('counts records holding a reference, and as orphans those whose target part is null', () => {
    const tally = new ReferenceTally();
    tally.add([node('INV-2', 'SO-1', true), node('INV-3', 'SO-9', false), node('INV-1', 'SO-8', false), node('INV-4', null, false)]);
    const result = tally.result(spec);
    expect(result).toMatchObject({ name: 'invoice.order', source: 'billing', target: 'erp', checked: 3 });
    expect(result.orphans).toEqual([
      { source: 'INV-1', reference: 'SO-8' },
      { source: 'INV-3', reference: 'SO-9' },
    ]);
    expect(orphanRatio(result)).toBeCloseTo(2 / 3);
  });

  it('counts a record seen on two pages once, as its last page says', () => {
    const tally = new ReferenceTally();
    tally.add([node('INV-1', 'SO-1', false), node('INV-2', 'SO-2', true)]);
    tally.add([node('INV-2', 'SO-2', true), node('INV-1', 'SO-1', true)]);
    expect(tally.result(spec)).toMatchObject({ checked: 2, orphans: [] });
  });

  it("lists the gateway's pending entries of the reference with the records holding them, and the table says so", () => {
    const tally = new ReferenceTally();
    tally.add([node('INV-1', 'SO-7', true), node('INV-2', 'SO-9', false), node('INV-3', 'SO-7', true)]);
    const pending = [
      { reference: 'invoice.order', value: 'SO-9', state: 'unknown' as const, firstWrittenAt: '2026-12-05T10:00:00.000Z' },
      { reference: 'invoice.order', value: 'SO-7', state: 'unverified' as const, firstWrittenAt: '2026-12-05T11:00:00.000Z' },
      { reference: 'ticket.order', value: 'SO-7', state: 'unverified' as const, firstWrittenAt: '2026-12-05T11:00:00.000Z' },
    ];
    const result = tally.result(spec, pending);
    expect(result.unverified).toEqual([
      { reference: 'SO-7', state: 'unverified', firstWrittenAt: '2026-12-05T11:00:00.000Z', sources: ['INV-1', 'INV-3'] },
      { reference: 'SO-9', state: 'unknown', firstWrittenAt: '2026-12-05T10:00:00.000Z', sources: ['INV-2'] },
    ]);
    const lines = formatTable([result]).split('\n');
    expect(lines[2]).toMatch(/^invoice\.order\s+billing → erp\s+3\s+1\s+33\.33 %\s+2\s+INV-2 → SO-9$/);
    expect(lines.slice(3)).toEqual([
      '',
      'Written while the owner could not be asked (accept-pending), not confirmed yet:',
      'invoice.order  SO-7  not yet confirmed by erp since 2026-12-05T11:00:00.000Z, held by INV-1, INV-3',
      'invoice.order  SO-9  unknown to erp since 2026-12-05T10:00:00.000Z, held by INV-2',
    ]);
  });

  it('gives a zero ratio when nothing was checked', () => {
    expect(orphanRatio({ checked: 0, orphans: [] })).toBe(0);
  });

  it('renders a table row per reference with the examples capped', async () => {
    const orphans = ['SO-1', 'SO-2', 'SO-3', 'SO-4'].map((reference, i) => ({ source: `INV-${i}`, reference }));
    const table = formatTable([{ name: 'invoice.order', description: '', source: 'billing', target: 'erp', checked: 400, orphans, unverified: [] }]);
    expect(table.split('\n')[2]).toMatch(/^invoice\.order\s+billing → erp\s+400\s+4\s+1\.00 %\s+0\s+INV-0 → SO-1, INV-1 → SO-2, INV-2 → SO-3, … 1 more$/);
    expect(table.split('\n')).toHaveLength(3);
    const prom = parseExposition(
      await promText([{ name: 'invoice.order', description: '', source: 'billing', target: 'erp', checked: 400, orphans, unverified: [] }], new Date(1_000_000)),
    );
    expect(prom.sum('bizgraph_integrity_orphan_ratio', { reference: 'invoice.order', source: 'billing', target: 'erp' })).toBe(0.01);
    expect(prom.sum('bizgraph_integrity_last_run_timestamp_seconds')).toBe(1000);
  });
});

describe('the references against the committed supergraph', () => {
  const schema = apiSchemaOf(readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8'));

  it.each(REFERENCES.map((reference) => [reference.name, reference] as const))('%s: its page operation is valid and its target field non-null', (_name, reference) => {
    expect(validate(schema, parse(pageQuery(reference))).map((error) => error.message)).toEqual([]);
    // A nullable target field would come back `{ resolved: null }` for an orphan instead of nulling `target`.
    const node = getNamedType(schema.getQueryType()!.getFields()[reference.connection]!.type);
    const nodes = isObjectType(node) ? getNamedType(node.getFields().nodes!.type) : undefined;
    const referenced = isObjectType(nodes) ? getNamedType(nodes.getFields()[reference.referenceField]!.type) : undefined;
    expect(isObjectType(referenced) && isNonNullType(referenced.getFields()[reference.targetField]!.type)).toBe(true);
  });
});

describe('arguments', () => {
  it('defaults to every reference, a table and the local gateway', () => {
    expect(parseArgs([])).toMatchObject({ url: 'http://127.0.0.1:4000/graphql', format: 'table', pageSize: 500, references: REFERENCES, failOnOrphans: false });
    expect(scopesFor(REFERENCES)).toEqual(['billing:read', 'crm:read', 'erp:read', 'logistics:read', 'pii:read', 'support:read']);
  });

  it.each([
    [['--format', 'csv'], '--format: expected table or json, got "csv"'],
    [['--page-size', '0'], '--page-size: expected a whole number from 1 to 1000, got "0"'],
    [['--reference', 'invoice.nothing'], '--reference: unknown reference "invoice.nothing"'],
    [['--url', 'ftp://x'], '--url: expected http(s), got "ftp://x"'],
    [['--token', 't', '--data-dir', 'd'], 'give --token or --data-dir, not both'],
    [['--prom'], '--prom needs a value'],
    [['--verbose'], 'unknown argument "--verbose"'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function integrity(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const { command, args: argv } = npmScript('integrity', args);
    const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, JWT_JWKS_URL: '', NODE_ENV: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('--write-operations', () => {
  it('writes one named operation per reference whose manifest body is exactly the text the scan sends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bizgraph-integrity-ops-'));
    try {
      const run = await integrity(['--write-operations', dir]);
      expect(run).toMatchObject({ status: 0, stderr: '' });
      const files = readdirSync(dir).sort();
      expect(files).toHaveLength(REFERENCES.length);
      const manifest = buildManifest(files.map((file) => ({ path: file, text: readFileSync(join(dir, file), 'utf8'), clientName: 'bizgraph-integrity' })));
      expect(manifest.operations.map((operation) => operation.body).sort()).toEqual(REFERENCES.map(pageQuery).sort());
      expect(manifest.operations.map((operation) => operation.name)).toContain('IntegrityInvoiceOrder');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface JsonResult {
  name: string;
  checked: number;
  orphanCount: number;
  orphans: Array<{ source: string; reference: string }>;
}

describe('npm run integrity against the real stack', () => {
  const dataset = generateDataset();
  // What the seed planted, per reference; references with no list must have no orphans.
  const planted: Record<string, readonly string[]> = {
    'invoice.order': dataset.orphans.invoiceOrderNumbers,
    'invoice.customer': dataset.orphans.invoiceCrmRefs,
    'ticket.requester': dataset.orphans.ticketRequesterEmails,
    'shipment.order': dataset.orphans.shipmentOrderNumbers,
  };
  const seededReferences: Record<string, number> = {
    'invoice.order': dataset.invoices.length,
    'invoice.customer': dataset.invoices.length,
    'order.customer': dataset.orders.length,
    'ticket.requester': dataset.tickets.length,
    'ticket.order': dataset.tickets.filter((ticket) => ticket.orderNumber !== null).length,
    'shipment.order': dataset.shipments.length,
  };
  let stack: Stack;
  let promFile: string;
  let before: Map<string, JsonResult>;
  const scan = async (extra: readonly string[] = []) => {
    const run = await integrity(['--url', stack.gatewayUrl, '--data-dir', stack.dataDir, '--format', 'json', '--prom', promFile, ...extra]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { references: JsonResult[] };
    return new Map(report.references.map((result) => [result.name, result]));
  };

  beforeAll(async () => {
    stack = await startStack();
    promFile = join(stack.dataDir, 'integrity.prom');
    before = await scan();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('finds exactly the orphans the seed planted, over every seeded reference', () => {
    expect([...before.keys()]).toEqual(REFERENCES.map((reference) => reference.name));
    for (const [name, result] of before) {
      expect({ name, checked: result.checked }).toEqual({ name, checked: seededReferences[name] });
      const found = result.orphans.map((orphan) => orphan.reference).sort();
      expect({ name, found }).toEqual({ name, found: [...(planted[name] ?? [])].sort() });
      expect(result.orphanCount).toBe(result.orphans.length);
    }
  });

  it('leaves the report where the gateway of its data dir shows it in the governance console', async () => {
    const written = readFileSync(integrityReportFile(stack.dataDir), 'utf8');
    expect(JSON.parse(written).references.map((reference: JsonResult) => [reference.name, reference.orphanCount])).toEqual(
      [...before.values()].map((reference) => [reference.name, reference.orphanCount]),
    );
    const admin = await devToken(stack.dataDir, { preset: 'admin' });
    const served = await request(`${stack.gateway!.url}/console/api/integrity`, { headers: { authorization: `Bearer ${admin}` } });
    expect(served.statusCode).toBe(200);
    expect(await served.body.text()).toBe(written);
    const sales = await devToken(stack.dataDir, { preset: 'sales' });
    expect((await request(`${stack.gateway!.url}/console/api/integrity`, { headers: { authorization: `Bearer ${sales}` } })).statusCode).toBe(403);
  });

  it('writes the same counts as Prometheus metrics', () => {
    const prom = parseExposition(readFileSync(promFile, 'utf8'));
    expect(prom.types.get('bizgraph_integrity_orphans')).toBe('gauge');
    for (const reference of REFERENCES) {
      const labels = { reference: reference.name, source: reference.source, target: reference.target };
      const result = before.get(reference.name)!;
      expect(prom.sum('bizgraph_integrity_references', labels)).toBe(result.checked);
      expect(prom.sum('bizgraph_integrity_orphans', labels)).toBe(result.orphans.length);
      expect(prom.sum('bizgraph_integrity_orphan_ratio', labels)).toBeCloseTo(result.orphans.length / result.checked, 12);
    }
    expect(prom.samples.filter((sample) => sample.name === 'bizgraph_integrity_last_run_timestamp_seconds')).toHaveLength(1);
  });

  it('counts one more orphan after a ticket is opened at the desk for an email the CRM does not know', async () => {
    const email = 'nobody.known@integrity.example';
    const opened = await request(`${stack.systems.support.url}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-support-key', 'idempotency-key': 'integrity-test-orphan' },
      body: JSON.stringify({ requesterEmail: email, subject: 'Where is my parcel?' }),
    });
    expect(opened.statusCode).toBe(201);
    const ticket = (await opened.body.json()) as { id: string };
    const after = await scan();
    for (const [name, result] of after) {
      const earlier = before.get(name)!;
      const added = name === 'ticket.requester' ? 1 : 0;
      expect({ name, checked: result.checked, orphans: result.orphans.length }).toEqual({
        name,
        checked: earlier.checked + added,
        orphans: earlier.orphans.length + added,
      });
    }
    expect(after.get('ticket.requester')!.orphans).toContainEqual({ source: ticket.id, reference: email });
  });

  it('exits 3 with --fail-on-orphans only when a checked reference has orphans', async () => {
    const base = ['--url', stack.gatewayUrl, '--data-dir', stack.dataDir];
    expect((await integrity([...base, '--reference', 'invoice.order', '--fail-on-orphans'])).status).toBe(3);
    expect((await integrity([...base, '--reference', 'ticket.order', '--fail-on-orphans'])).status).toBe(0);
  });

  it('fails naming the system when one is down, and writes no metrics and no report', async () => {
    rmSync(promFile);
    const report = readFileSync(integrityReportFile(stack.dataDir), 'utf8');
    await stack.systems.crm.stop();
    const run = await integrity(['--url', stack.gatewayUrl, '--data-dir', stack.dataDir, '--prom', promFile]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^integrity: scan incomplete, nothing reported: invoice\.customer \(billing → crm\): system crm failed: /);
    expect(existsSync(promFile)).toBe(false);
    expect(readFileSync(integrityReportFile(stack.dataDir), 'utf8')).toBe(report);
  });

  it('exits 2 on a bad argument', async () => {
    const run = await integrity(['--page-size', 'lots']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('integrity: --page-size: expected a whole number from 1 to 1000, got "lots"');
  });
});
