import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { formatSummary } from './scopes-lint.js';
import { scopeMatrix } from './scopes-matrix.js';
import { npmScript } from '../../test/helpers/npm-script.js';

/** The real command, as CI and the security team run it. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

function scopes(...args: string[]) {
  const { command, args: argv } = npmScript('scopes', args);
  const result = spawnSync(command, argv, { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bizgraph-scopes-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run scopes', () => {
  it('lint passes on the shipped supergraph with a one-line summary', () => {
    const policy = readSupergraphPolicy(readFileSync(SHIPPED, 'utf8'));
    expect(scopes('lint')).toEqual({ code: 0, stdout: formatSummary(policy), stderr: '' });
  });

  it('lint fails, naming the field, on a copy whose Customer.name lost its directive', () => {
    const sdl = readFileSync(SHIPPED, 'utf8');
    const line = 'name: String! @join__field(graph: CRM) @requiresScopes(scopes: [["crm:read"]])';
    expect(sdl.split(line)).toHaveLength(2);
    const copy = join(dir, 'lost-policy.graphql');
    writeFileSync(copy, sdl.replace(line, 'name: String! @join__field(graph: CRM)'));
    expect(scopes('lint', '--supergraph', copy)).toEqual({
      code: 1,
      stdout: ['Customer.name: no policy: declare @requiresScopes or @authenticated on the field or on the type it returns', 'scopes lint: 1 problem', ''].join('\n'),
      stderr: '',
    });
  });

  it('matrix --format json prints every field of the supergraph it is given', () => {
    const { code, stdout, stderr } = scopes('matrix', '--format', 'json', '--supergraph', SHIPPED);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({ fields: scopeMatrix(readSupergraphPolicy(readFileSync(SHIPPED, 'utf8'))) });
  });

  it('explain --preset sales shows Customer.name readable and Customer.email missing pii:read', () => {
    const { code, stdout } = scopes('explain', '--preset', 'sales');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}Customer: .*\bname\b/m);
    expect(stdout).toMatch(/^ {2}Customer\.email +missing pii:read$/m);
  });

  it('explain --scopes refuses a scope no field requires, naming the nearest known one (a typo explained nothing before)', () => {
    const { code, stdout, stderr } = scopes('explain', '--scopes', 'crm:reed erp:read');
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain('scopes: unknown scope "crm:reed" (did you mean "crm:read"?); known scopes: crm:read crm:write');
  });

  it('explain --token says the token was decoded, not verified', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ scope: 'crm:read pii:read' }).setProtectedHeader({ alg: 'ES256' }).setSubject('u1').sign(privateKey);
    const { code, stdout } = scopes('explain', '--token', token);
    expect(code).toBe(0);
    expect(stdout).toContain('NOTE: token DECODED, NOT VERIFIED: its signature, issuer, audience and expiry were not checked\n');
    expect(stdout).toContain('  scopes: crm:read pii:read\n');
  });

  it('exits 2 with the message on stderr for bad usage and unreadable input', () => {
    const unknown = scopes('audit');
    expect({ code: unknown.code, stdout: unknown.stdout }).toEqual({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^scopes: unknown command "audit"\nusage: npm run scopes/);
    expect(scopes('matrix', '--format', 'xml')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('--format must be one of table, csv, json, not "xml"') });
    const missing = join(dir, 'missing.graphql');
    expect(scopes('lint', '--supergraph', missing)).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining(`cannot read supergraph ${missing}`) });
  });
});
