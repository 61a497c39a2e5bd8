import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Operations already written in the repository: the `.graphql` files of schema/operations and the
 * query strings of test/*.test.ts (template literals or quoted strings starting with `query`,
 * `mutation` or `{`). A crude extraction on purpose: what does not parse and validate is skipped.
 */
export function repositoryOperations(root: string): { source: string; query: string }[] {
  const found: { source: string; query: string }[] = [];
  const operationsDirectory = join(root, 'schema/operations');
  for (const client of readdirSync(operationsDirectory)) {
    for (const file of readdirSync(join(operationsDirectory, client)).filter((name) => name.endsWith('.graphql'))) {
      found.push({ source: `schema/operations/${client}/${file}`, query: readFileSync(join(operationsDirectory, client, file), 'utf8') });
    }
  }
  const testDirectory = join(root, 'test');
  for (const file of readdirSync(testDirectory).filter((name) => name.endsWith('.test.ts'))) {
    const text = readFileSync(join(testDirectory, file), 'utf8');
    const literals = /`([^`$]*)`|'((?:query|mutation|\{)[^'\n]*)'|"((?:query|mutation|\{)[^"\n]*)"/g;
    for (const match of text.matchAll(literals)) {
      const candidate = (match[1] ?? match[2] ?? match[3] ?? '').trim();
      if (/^(query|mutation)\b|^\{/.test(candidate) && candidate.includes('{')) found.push({ source: `test/${file}`, query: candidate });
    }
  }
  return found;
}
