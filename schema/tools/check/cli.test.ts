import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, print, visit } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph, readSupergraphConfig } from '../compose.js';
import { npmScript } from '../../../test/helpers/npm-script.js';

/**
 * `npm run schema:check` end to end: the CLI in its own process, on a temp copy of the CRM SDL,
 * against a base composed from the working tree (so only the test's edit is a change) and the
 * committed persisted-operations manifest (schema/operations/).
 */
const exec = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'bizgraph-schema-check-'));
const crm = readSupergraphConfig().find((entry) => entry.name === 'crm')!;
const noUsage = join(scratch, 'no-usage.json');
let base = '';

beforeAll(() => {
  const { supergraphSdl, errors } = composeSupergraph(readSupergraphConfig());
  if (!supergraphSdl) throw new Error(errors.join('\n'));
  base = join(scratch, 'base.graphql');
  writeFileSync(base, supergraphSdl);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function check(sdl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const schema = join(scratch, `crm-${Math.random().toString(36).slice(2)}.graphql`);
  writeFileSync(schema, sdl);
  const argv = ['--subgraph', 'crm', '--schema', schema, '--base', base, ...args];
  if (!args.includes('--usage')) argv.push('--usage', noUsage);
  const command = npmScript('schema:check', argv);
  try {
    const { stdout, stderr } = await exec(command.command, command.args, { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The CRM SDL with Customer's fields rewritten (printed back: comments go, descriptions stay). */
function editCustomer(edit: (fields: readonly any[]) => any[]): string {
  return print(
    visit(parse(crm.sdl), {
      ObjectTypeDefinition: (node) => (node.name.value === 'Customer' ? { ...node, fields: edit(node.fields ?? []) } : undefined),
    }),
  );
}
const findingLines = (stdout: string, rule: string) => stdout.split('\n').filter((line) => line.includes(` ${rule} `));

describe('npm run schema:check', () => {
  it('fails removing Customer.phone, naming the manifest operations and their clients', async () => {
    const { code, stdout } = await check(editCustomer((fields) => fields.filter((field) => field.name.value !== 'phone')));
    expect(code).toBe(1);
    expect(findingLines(stdout, 'consumer-impact')).toEqual([
      "  error   consumer-impact Customer.phone  Field 'phone' was removed from object type 'Customer': breaks 2 known operations: AgentTicket (support-console; manifest); PortalAccount (web-portal; manifest)",
    ]);
    expect(stdout).toContain('schema:check: FAIL: 1 error, 0 warnings\n');
  });

  it('passes deprecating it with a removal date, warning the operations that still use it', async () => {
    const sdl = crm.sdl.replace(/^(\s*phone: String @requiresScopes[^\n]*)$/m, '$1 @deprecated(reason: "Use contacts instead; removal: 2027-06-30")');
    const { code, stdout } = await check(sdl);
    expect(code).toBe(0);
    expect(findingLines(stdout, 'consumer-impact')).toEqual([
      "  warning consumer-impact Customer.phone  Field 'Customer.phone' is deprecated: still used by AgentTicket (support-console; manifest); PortalAccount (web-portal; manifest)",
    ]);
    expect(stdout).toContain('schema:check: PASS: 0 errors, 1 warning\n');
  });

  it('fails a new field without a policy on the default-deny rule', async () => {
    const sdl = crm.sdl.replace(/^(\s*phone: String @requiresScopes[^\n]*)$/m, '$1\n  "Loyalty tier from the CRM."\n  tier: String');
    const { code, stdout } = await check(sdl);
    expect(code).toBe(1);
    expect(findingLines(stdout, 'default-deny')).toEqual([
      '  error   default-deny    Customer.tier  no policy: declare @requiresScopes or @authenticated on the field or on the type it returns',
    ]);
  });

  it('reports the operations and presets that lose access when Customer.segment also requires pii:read, as markdown', async () => {
    const sdl = crm.sdl.replace(/^(\s*segment: CustomerSegment! )@requiresScopes\(scopes: \[\["crm:read"\]\]\)/m, '$1@requiresScopes(scopes: [["crm:read", "pii:read"]])');
    const { code, stdout } = await check(sdl, '--format', 'markdown');
    expect(code).toBe(1);
    const losing =
      'loses access: now requires crm:read AND pii:read (before: crm:read); presets losing access: sales, finance, reporting, operations; scope sets losing access: crm:read';
    expect(stdout.split('\n').filter((line) => line.includes('scope-impact'))).toEqual([
      `| ❌ error | scope-impact | \`Customer.segment\` | AgentTicket (support-console; manifest) ${losing} |`,
      `| ❌ error | scope-impact | \`Customer.segment\` | SegmentReport (reporting; manifest) ${losing} |`,
    ]);
    expect(stdout).toMatch(/^## schema:check — ❌ fail\n/);
    expect(stdout).toContain('| Scope impact | 2 | 0 |');
  });

  it('names an operation of the usage log (given with --usage) with its client, count and last use', async () => {
    const usage = join(scratch, 'usage.json');
    const record = {
      operationHash: 'a'.repeat(64),
      operationName: 'CrmSyncContacts',
      clientName: 'crm-sync',
      fields: ['Customer.phone', 'CustomerConnection.nodes', 'Query.customers'],
      count: 42,
      firstSeen: '2026-11-01T08:00:00.000Z',
      lastSeen: '2026-11-26T17:30:00.000Z',
    };
    writeFileSync(usage, JSON.stringify({ format: 'bizgraph-usage/1', records: [record] }));
    const { code, stdout } = await check(
      editCustomer((fields) => fields.filter((field) => field.name.value !== 'phone')),
      '--usage',
      usage,
    );
    expect(code).toBe(1);
    expect(findingLines(stdout, 'consumer-impact')[0]).toContain(
      'breaks 3 known operations: AgentTicket (support-console; manifest); PortalAccount (web-portal; manifest); CrmSyncContacts (crm-sync; usage log: 42 calls, last seen 2026-11-26T17:30:00.000Z)',
    );
  });

  it('exits 2 naming the argument on a usage error', async () => {
    expect(await check(crm.sdl, '--format', 'html')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^schema:check: --format must be "text" or "markdown", got "html"\n/),
    });
    expect(await check(crm.sdl, '--manifest', join(scratch, 'base.graphql'))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^schema:check: --manifest: .*base\.graphql: not valid JSON\n/),
    });
  });
});
