import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, visit, type ArgumentNode, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { readGatewayConfig } from '../../gateway/src/config.js';
import { costMeter, isPageArgument, largestFitting, withPageSize } from '../../gateway/src/features/limits/cost.js';
import { inlinePageVariables } from '../../gateway/src/features/limits/index.js';
import { MAX_PAGE_SIZE } from '../../subgraphs/shared/connection.js';
import { projectPath } from '../../common/project-root.js';
import { buildSupergraphSchema } from '../../gateway/src/features/limits/list-sizes.js';

/**
 * `npm run costs`: what the README's query and every committed operation (`schema/operations/<client>/`)
 * cost under the default `LIMIT_MAX_COST`, and the largest page size each of their lists may have,
 * written into the README between the two markers below, so a client plans its page sizes instead of
 * finding them by refusal. `--check` writes nothing and exits 1 when the README's table is stale.
 */
const START = '<!-- operation-costs:start -->';
const END = '<!-- operation-costs:end -->';

export interface OperationCost {
  client: string;
  operation: string;
  /** Page sizes as written; a page from a variable at its default, or without one at the field's default (what a request that leaves it out costs). */
  cost: number;
  /** Per list (`orders(first: $first)`): the largest page size that fits, the other lists as written. */
  pages: { list: string; largest: number }[];
}

export interface OperationSource {
  client: string;
  document: DocumentNode;
  /** What to call an operation without a name (a README block: its section). */
  label?: string;
}

export function operationCosts(schema: GraphQLSchema, maxCost: number, sources: readonly OperationSource[]): OperationCost[] {
  const costOf = costMeter();
  return sources.flatMap(({ client, document, label }) =>
    document.definitions
      .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => {
        const written = inlinePageVariables(document, operation, {});
        // The same walk over both: labels as the operation wrote them, sizes set in the inlined copy.
        const selected = { ...document, definitions: document.definitions.filter((definition) => definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) };
        const labels = pageArguments(selected).map(({ list }) => list);
        const pages = pageArguments(written).map(({ argument }, index) => ({
          list: labels[index]!,
          largest: largestFitting((size) => costOf(withPageSize(written, argument, size), schema), maxCost, MAX_PAGE_SIZE),
        }));
        return { client, operation: operation.name?.value ?? label ?? '(anonymous)', cost: costOf(written, schema), pages };
      }),
  );
}

/** Every `first`/`last` argument, literal or variable, with the field it pages as written. */
function pageArguments(document: DocumentNode): { argument: ArgumentNode; list: string }[] {
  const found: { argument: ArgumentNode; list: string }[] = [];
  visit(document, {
    Field(field) {
      for (const argument of field.arguments ?? []) {
        if (!isPageArgument(argument)) continue;
        const value = argument.value.kind === Kind.VARIABLE ? `$${argument.value.name.value}` : argument.value.kind === Kind.INT ? argument.value.value : '?';
        found.push({ argument, list: `${(field.alias ?? field.name).value}(${argument.name.value}: ${value})` });
      }
    },
  });
  return found;
}

export function renderCostTable(costs: readonly OperationCost[], maxCost: number): string {
  const rows = costs.map(({ client, operation, cost, pages }) => {
    const largest =
      pages.length === 0
        ? 'no list'
        : pages.map(({ list, largest }) => `${list}: ${largest === 0 ? 'none fits' : largest === MAX_PAGE_SIZE ? `any (≤ ${MAX_PAGE_SIZE})` : largest}`).join('; ');
    return `| ${client} | \`${operation}\` | ${cost} | ${largest} |`;
  });
  return [
    `Cost of the README's query and of every committed operation (\`schema/operations/\`), limit ${maxCost}, written by \`npm run costs\`:`,
    '',
    '| client | operation | cost as written | largest page size that fits (the other lists as written) |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The README's ```graphql blocks and the committed operations, each with the client it belongs to. */
export function committedOperations(readme: string, operationsDir: string): OperationSource[] {
  const readmeBlocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => {
    const heading = [...readme.slice(0, match.index).matchAll(/^#{2,4} (.+)$/gm)].at(-1)?.[1];
    return { client: 'README', document: parse(match[1]!), label: heading === undefined ? undefined : `(${heading})` };
  });
  const clients = readdirSync(operationsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith('__'));
  const files = clients.flatMap((client) =>
    readdirSync(join(operationsDir, client.name))
      .filter((file) => file.endsWith('.graphql'))
      .sort()
      .map((file) => ({ client: client.name, document: parse(readFileSync(join(operationsDir, client.name, file), 'utf8')) })),
  );
  return [...readmeBlocks, ...files.sort((a, b) => a.client.localeCompare(b.client))];
}

export function withCostTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

export function runCosts(argv: readonly string[], io: { out: (text: string) => void; err: (text: string) => void }): number {
  const readmePath = projectPath('README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const schema = buildSupergraphSchema(readFileSync(projectPath('schema/supergraph.graphql'), 'utf8'));
  const { maxCost } = readGatewayConfig({}, []).limits;
  const table = renderCostTable(operationCosts(schema, maxCost, committedOperations(readme, projectPath('schema/operations'))), maxCost);
  const updated = withCostTable(readme, table);
  if (argv.includes('--check')) {
    if (updated === readme) return (io.out("the README's operation costs are up to date\n"), 0);
    return (io.err("the README's operation costs are stale: run `npm run costs` and commit README.md\n"), 1);
  }
  writeFileSync(readmePath, updated);
  io.out(`${table}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runCosts(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
}
