import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_REGISTRY, type ErrorCode } from '../common/contracts/errors.js';
import { ROOT } from '../scripts/lib/processes.js';
import { CUSTOMER_CACHE_TYPES } from '../subgraphs/crm/customer-cache.js';
import { typeEnvName } from '../subgraphs/shared/entity-cache/config.js';
import { TICKET_CACHE_TYPES } from '../subgraphs/support/ticket-cache.js';

/** The README stays true: every command, variable and error code it names exists, and the registry is documented. */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

function section(title: string): string {
  const start = readme.indexOf(`## ${title}`);
  expect(start, `README has a "${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 3);
  return readme.slice(start, end === -1 ? undefined : end);
}

function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'node_modules' || entry === '__generated__' || entry.startsWith('.')) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['common', 'gateway', 'subgraphs', 'systems', 'scripts', 'test/helpers']) walk(join(ROOT, dir));
  return texts.join('\n');
}

describe('README', () => {
  it('documents exactly the codes of the error registry, each raised where the registry says', () => {
    const rows = [...section('Errors').matchAll(/^\| `([A-Z_]+)` \| ([a-z, ]+) \|/gm)].map((match) => ({ code: match[1]!, raisedBy: match[2]!.trim() }));
    expect(new Set(rows.map((row) => row.code))).toEqual(new Set(Object.keys(ERROR_REGISTRY)));
    for (const code of Object.keys(ERROR_REGISTRY) as ErrorCode[]) {
      const sides = new Set(rows.filter((row) => row.code === code).flatMap((row) => (row.raisedBy === 'both' ? ['gateway', 'subgraph'] : row.raisedBy.split(', '))));
      const expected = ERROR_REGISTRY[code].raisedBy === 'both' ? ['gateway', 'subgraph'] : [ERROR_REGISTRY[code].raisedBy];
      expect([...sides].sort(), `README's "raised by" of ${code}`).toEqual(expected);
    }
  });

  it('names the HTTP status the registry gives each code that fails a whole request', () => {
    const statuses = [...section('Errors').matchAll(/^\| `([A-Z_]+)` \| [a-z, ]+ \| HTTP (\d{3})/gm)].map((match) => [match[1]!, Number(match[2])] as const);
    const withStatus = Object.entries(ERROR_REGISTRY)
      .filter(([, entry]) => 'httpStatus' in entry)
      .map(([code, entry]) => [code, (entry as { httpStatus: number }).httpStatus] as const);
    expect(new Map(statuses)).toEqual(new Map(withStatus));
  });

  it('names only npm scripts that exist', () => {
    const named = new Set([...readme.matchAll(/npm run (?:-s )?([a-z:]+)/g)].map((match) => match[1]!));
    expect(named.size).toBeGreaterThan(3);
    for (const script of named) expect(scripts, `npm run ${script}`).toContain(script);
    expect(scripts).toEqual(expect.arrayContaining(['start', 'test']));
  });

  it('names only environment variables the code reads', () => {
    const code = sourceText();
    const variables = [...section('Configuration').matchAll(/`([A-Z][A-Z0-9_]+(?:<(?:NAME|TYPE)>[A-Z_]*)?)`/g)].map((match) => match[1]!);
    const cachedTypes = [...Object.keys(CUSTOMER_CACHE_TYPES), ...Object.keys(TICKET_CACHE_TYPES)].map(typeEnvName);
    expect(variables.length).toBeGreaterThan(15);
    for (const variable of variables) {
      // SUBGRAPH_<NAME>_URL and its examples (SUBGRAPH_ERP_URL) are read by prefix and suffix.
      const perSubgraph = /^SUBGRAPH_(?:<NAME>|[A-Z0-9]+)(_URL|_SYSTEM)$/.exec(variable);
      // ENTITY_CACHE_TTL_<TYPE>_SECONDS and its examples are built from the cached types' names.
      const perType = /^ENTITY_CACHE_TTL_(<TYPE>|[A-Z_]+)_SECONDS$/.exec(variable);
      const found = perSubgraph
        ? code.includes("'SUBGRAPH_'") && code.includes(`'${perSubgraph[1]}'`)
        : perType
          ? code.includes('`ENTITY_CACHE_TTL_${typeEnvName(type)}_SECONDS`') && (perType[1] === '<TYPE>' || cachedTypes.includes(perType[1]!))
          : code.includes(variable);
      expect(found, `${variable} is read somewhere`).toBe(true);
    }
  });
});
