import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import boundaries of eslint.config.js are live: a planted import across each one fails with
 * the boundary rule, and the imports the layers may make pass. The planted files are virtual
 * (lintText); the imported files are real, so the resolver has something to resolve.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function problems(filePath: string, specifier: string) {
  const [result] = await eslint.lintText(`import * as planted from '${specifier}';\nexport default planted;\n`, { filePath });
  return result!.messages.map((message) => ({ ruleId: message.ruleId, message: message.message }));
}

const crossing = (specifier: string, from: string, to: string) => [
  { ruleId: 'import-x/no-restricted-paths', message: `Unexpected path "${specifier}" imported in restricted zone. ${from}/ must not import ${to}/.` },
];

describe('import boundaries', () => {
  it.each([
    ['gateway/src/planted.ts', '../../subgraphs/crm/config.js', 'gateway', 'subgraphs'],
    ['gateway/src/planted.ts', '../../systems/crm/server.js', 'gateway', 'systems'],
    ['gateway/src/planted.ts', '../../scripts/lib/processes.js', 'gateway', 'scripts'],
    ['gateway/src/planted.ts', '../../test/helpers/graphql.js', 'gateway', 'test'],
    ['subgraphs/crm/planted.ts', '../../gateway/src/errors.js', 'subgraphs', 'gateway'],
    ['subgraphs/crm/planted.ts', '../../systems/crm/server.js', 'subgraphs', 'systems'],
    ['subgraphs/crm/planted.ts', '../../scripts/lib/processes.js', 'subgraphs', 'scripts'],
    ['subgraphs/crm/planted.ts', '../../test/helpers/graphql.js', 'subgraphs', 'test'],
    ['subgraphs/crm/planted.test.ts', '../../gateway/src/errors.js', 'subgraphs', 'gateway'],
    ['systems/crm/planted.ts', '../../subgraphs/crm/config.js', 'systems', 'subgraphs'],
    ['systems/crm/planted.ts', '../../gateway/src/errors.js', 'systems', 'gateway'],
    ['common/planted.ts', '../gateway/src/errors.js', 'common', 'gateway'],
    ['common/planted.ts', '../subgraphs/crm/config.js', 'common', 'subgraphs'],
    ['common/planted.ts', '../systems/crm/server.js', 'common', 'systems'],
    ['common/planted.ts', '../scripts/lib/processes.js', 'common', 'scripts'],
    ['common/planted.ts', '../test/helpers/graphql.js', 'common', 'test'],
    ['common/planted.ts', '../schema/tools/compose.js', 'common', 'schema'],
    ['common/planted.ts', '../bench/args.js', 'common', 'bench'],
  ])('%s must not import %s', async (filePath, specifier, from, to) => {
    expect(await problems(filePath, specifier)).toEqual(crossing(specifier, from, to));
  });

  it.each([
    ['gateway/src/planted.ts', '../../common/contracts/errors.js'],
    ['subgraphs/crm/planted.ts', '../../common/contracts/errors.js'],
    ['subgraphs/crm/planted.ts', '../shared/money.js'],
    ['subgraphs/crm/planted.test.ts', '../../test/helpers/graphql.js'],
    ['systems/crm/planted.ts', '../../common/contracts/errors.js'],
    ['systems/crm/planted.test.ts', '../../scripts/lib/processes.js'],
    ['common/usage/planted.ts', '../contracts/errors.js'],
    ['test/planted.test.ts', '../gateway/src/errors.js'],
  ])('%s may import %s', async (filePath, specifier) => {
    expect(await problems(filePath, specifier)).toEqual([]);
  });

  it('keeps the other boundaries in a file with a named crossing', async () => {
    expect(await problems('subgraphs/billing/db.ts', '../../gateway/src/errors.js')).toEqual(crossing('../../gateway/src/errors.js', 'subgraphs', 'gateway'));
  });

  it('fails a relative import it cannot resolve, which the boundary rule could not check', async () => {
    expect(await problems('subgraphs/crm/planted.ts', '../../gateway/src/missing.js')).toEqual([
      { ruleId: 'import-x/no-unresolved', message: "Unable to resolve path to module '../../gateway/src/missing.js'." },
    ]);
  });
});
