import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/processes.js';

/**
 * Issue 18, point 2, typed clients: schema/api-schema.graphql is the schema as clients see it, and
 * each client's operations have typed documents; codegen:check fails when either drifts (a hand
 * edit of the schema file, an operation changed without `npm run codegen`). Run in a copy of the
 * project so the real files are never touched.
 */
let copy: string;
beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'bizgraph-typed-clients-'));
  const skip = new Set(['node_modules', '.git', '.data', 'test']);
  cpSync(ROOT, copy, { recursive: true, filter: (source) => !skip.has(relative(ROOT, source).split('/')[0]!) });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // Start from generated files that match the copy's schemas, whatever the working tree holds now.
  expect(run('codegen').status).toBe(0);
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function run(script: string): { status: number | null; output: string } {
  const result = spawnSync('npm', ['run', '-s', script], { cwd: copy, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('typed clients', () => {
  it('commit the API schema without federation machinery, with DateTime typed as string in the generated documents', () => {
    const schema = readFileSync(join(ROOT, 'schema/api-schema.graphql'), 'utf8');
    expect(schema).toContain('type Query {');
    for (const internal of ['_entities', '_service', '_Any', 'join__', 'link__', '@link', '@requiresScopes', '@authenticated', '@key']) expect(schema).not.toContain(internal);
    const reporting = readFileSync(join(ROOT, 'schema/operations/reporting/__generated__/graphql.ts'), 'utf8');
    // DateTime arguments and fields are typed as the ISO strings they travel as.
    expect(reporting).toContain('export type ReportRevenueByMonthQueryVariables = Exact<{\n  from: string;\n  to: string;\n}>;');
    expect(reporting).toContain('receivablesAging: { asOf: string,');
    expect(reporting).toContain('export const ReportRevenueByMonthDocument');
  });

  it('codegen:check fails after a hand edit of schema/api-schema.graphql and passes after codegen', () => {
    appendFileSync(join(copy, 'schema/api-schema.graphql'), '\ntype HandEdit {\n  id: ID\n}\n');
    const drifted = run('codegen:check');
    expect(drifted.status).toBe(1);
    expect(drifted.output).toContain('schema/api-schema.graphql');
    expect(run('codegen').status).toBe(0);
    expect(run('codegen:check').status).toBe(0);
  });

  it("codegen:check fails when a client's operation changes without codegen, naming that client's generated file", () => {
    const file = join(copy, 'schema/operations/reporting/receivables-aging.graphql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    asOf\n    buckets {', '    buckets {'));
    const drifted = run('codegen:check');
    expect(drifted.status).toBe(1);
    expect(drifted.output).toContain('schema/operations/reporting/__generated__/graphql.ts');
    expect(drifted.output).not.toContain('schema/operations/web-portal/');
    expect(run('codegen').status).toBe(0);
    expect(run('codegen:check').status).toBe(0);
  });
});
