import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCatalog } from './catalog.js';
import { buildCatalog, type CatalogField } from './catalog/model.js';
import { renderMermaid } from './catalog/markdown.js';
import type { SubgraphOwner } from './lib/owners.js';
import { npmScript } from '../../test/helpers/npm-script.js';

const LINKS = /* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@composeDirective", "@requiresScopes", "@authenticated", "@tag"])
    @link(url: "https://bizgraph.example/owner/v1.0", import: ["@owner"])
    @composeDirective(name: "@owner")
  directive @owner(team: String!) on OBJECT | INTERFACE | FIELD_DEFINITION
`;

const CRM = /* GraphQL */ `
  ${LINKS}
  type Query {
    customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]])
  }
  "A customer of the company."
  type Customer @key(fields: "id") {
    id: ID! @requiresScopes(scopes: [["crm:read"]])
    name: String! @requiresScopes(scopes: [["crm:read"]])
    email: String @requiresScopes(scopes: [["crm:read", "pii:read"]]) @tag(name: "pii") @owner(team: "privacy-office")
    fax: String @requiresScopes(scopes: [["crm:read"]]) @deprecated(reason: "Nobody sends faxes; removal 2027-01-01")
    country: String! @shareable @requiresScopes(scopes: [["crm:read"]])
    creditLimit: Money @requiresScopes(scopes: [["crm:read"]])
  }
  type Money @shareable {
    amount: String! @authenticated
    currency: String! @authenticated
  }
`;

const ERP = /* GraphQL */ `
  ${LINKS}
  type Query {
    order(id: ID!): Order @requiresScopes(scopes: [["erp:read"]])
  }
  type Order @key(fields: "id") @owner(team: "fulfilment") {
    id: ID! @requiresScopes(scopes: [["erp:read"]])
    total: String! @requiresScopes(scopes: [["erp:read"]]) @tag(name: "financial")
    customer: Customer @requiresScopes(scopes: [["erp:read"]])
  }
  type Customer @key(fields: "id") {
    id: ID!
    country: String! @shareable @requiresScopes(scopes: [["crm:read"]])
    orders: [Order!]! @requiresScopes(scopes: [["erp:read"]])
  }
  type Money @shareable {
    amount: String! @authenticated
    currency: String! @authenticated
  }
  type OrderLine {
    sku: String! @requiresScopes(scopes: [["erp:read"]])
    price: Money! @requiresScopes(scopes: [["erp:read"]])
  }
  extend type Order {
    lines: [OrderLine!]! @requiresScopes(scopes: [["erp:read"]])
  }
`;

const sla = { availability: '99.9 %', latencyP99Ms: 300, support: '24/7' };
const OWNERS: Record<string, SubgraphOwner> = {
  crm: { team: 'customer-platform', system: 'crm', contact: '#crm', sla },
  erp: { team: 'operations-systems', system: 'erp', contact: '#erp', sla },
};

function compose(): string {
  const result = composeServices([
    { name: 'crm', url: 'http://crm.test/graphql', typeDefs: parse(CRM) },
    { name: 'erp', url: 'http://erp.test/graphql', typeDefs: parse(ERP) },
  ]);
  if (!result.supergraphSdl) throw new Error(result.errors?.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

const supergraphSdl = compose();
const catalog = buildCatalog({ supergraphSdl, owners: OWNERS });
const field = (coordinate: string): CatalogField => {
  const found = catalog.types.flatMap((type) => type.fields).find((candidate) => candidate.coordinate === coordinate);
  if (!found) throw new Error(`no ${coordinate} in the catalog`);
  return found;
};

describe('buildCatalog', () => {
  it('files each type under the subgraph that owns it, root and shared value types under none', () => {
    expect(catalog.types.map((type) => [type.name, type.home])).toEqual([
      ['Customer', 'crm'],
      ['Money', null],
      ['Order', 'erp'],
      ['OrderLine', 'erp'],
      ['Query', null],
    ]);
    expect(field('Money.amount')).toMatchObject({ subgraphs: ['crm', 'erp'], requires: '', authenticated: true });
    expect(catalog.subgraphs.map((subgraph) => `${subgraph.name}:${subgraph.team}`)).toEqual(['crm:customer-platform', 'erp:operations-systems']);
  });

  it('names the owning subgraph, system and team of a field, every subgraph of a shared one', () => {
    expect(field('Customer.name')).toMatchObject({ subgraphs: ['crm'], systems: ['crm'], teams: ['customer-platform'], ownerSource: 'subgraph' });
    expect(field('Customer.orders')).toMatchObject({ subgraphs: ['erp'], systems: ['erp'], teams: ['operations-systems'] });
    expect(field('Customer.country')).toMatchObject({ subgraphs: ['crm', 'erp'], systems: ['crm', 'erp'], teams: ['customer-platform', 'operations-systems'] });
  });

  it('lets @owner(team:) on a field or its type override the subgraph team', () => {
    expect(field('Customer.email')).toMatchObject({ subgraphs: ['crm'], teams: ['privacy-office'], ownerSource: 'field' });
    expect(field('Order.total')).toMatchObject({ subgraphs: ['erp'], teams: ['fulfilment'], ownerSource: 'type' });
    expect(catalog.types.find((type) => type.name === 'Order')?.team).toBe('fulfilment');
  });

  it('shows the required scopes readably, with tags, description and deprecation', () => {
    expect(field('Customer.email')).toMatchObject({ requires: 'crm:read AND pii:read', authenticated: true, tags: ['pii'] });
    expect(field('Order.total')).toMatchObject({ requires: 'erp:read', tags: ['financial'] });
    expect(field('Customer.fax')).toMatchObject({ deprecationReason: 'Nobody sends faxes; removal 2027-01-01', tags: [] });
    expect(catalog.types.find((type) => type.name === 'Customer')).toMatchObject({ description: 'A customer of the company.', keys: ['id'] });
    expect(field('Query.customer')).toMatchObject({ type: 'Customer', arguments: [{ name: 'id', type: 'ID!', description: null }], subgraphs: ['crm'] });
  });

  it('draws an edge for each field by which one subgraph references an entity another owns', () => {
    expect(catalog.references).toEqual([
      { from: 'erp', to: 'crm', via: 'Customer.orders', kind: 'extends' },
      { from: 'erp', to: 'crm', via: 'Order.customer', kind: 'returns' },
    ]);
    expect(renderMermaid(['crm', 'erp'], catalog.references)).toBe(
      ['```mermaid', 'flowchart LR', '  crm["crm"]', '  erp["erp"]', '  erp -- "Customer.orders" --> crm', '  erp -- "Order.customer" --> crm', '```'].join('\n'),
    );
  });

  it('refuses a subgraph owners.yaml does not describe, naming it', () => {
    expect(() => buildCatalog({ supergraphSdl, owners: { crm: OWNERS.crm! } })).toThrow(/no entry for subgraph\(s\) erp/);
  });
});

describe('npm run catalog', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  let dir: string;
  const paths = () => ['--supergraph', join(dir, 'supergraph.graphql'), '--owners', join(dir, 'owners.yaml'), '--out-dir', dir];
  const runInProcess = (...args: string[]) => {
    const output = { code: 0, stdout: '', stderr: '' };
    output.code = runCatalog([...paths(), ...args], { out: (text) => (output.stdout += text), err: (text) => (output.stderr += text) });
    return output;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bizgraph-catalog-'));
    writeFileSync(join(dir, 'supergraph.graphql'), supergraphSdl);
    const entry = (name: string) =>
      `  ${name}:\n    team: ${OWNERS[name]!.team}\n    system: ${name}\n    contact: "#${name}"\n    sla: { availability: "99.9 %", latencyP99Ms: 300, support: "24/7" }\n`;
    writeFileSync(join(dir, 'owners.yaml'), `subgraphs:\n${entry('crm')}${entry('erp')}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes both files idempotently; --check passes on them', () => {
    expect(runInProcess('--check').code).toBe(1);
    expect(runInProcess().code).toBe(0);
    const markdown = readFileSync(join(dir, 'catalog.md'), 'utf8');
    expect(JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(catalog)));
    expect(markdown).toContain('  erp -- "Customer.orders" --> crm\n');
    expect(markdown).toContain('| `email` | `String` | crm | privacy-office (@owner) | `crm:read AND pii:read` | pii |');
    expect(runInProcess().code).toBe(0);
    expect(readFileSync(join(dir, 'catalog.md'), 'utf8')).toBe(markdown);
    expect(runInProcess('--check')).toMatchObject({ code: 0, stderr: '' });
  });

  it('--check exits 1 naming both files once the supergraph changed', () => {
    expect(runInProcess().code).toBe(0);
    writeFileSync(join(dir, 'supergraph.graphql'), supergraphSdl.replace('"""A customer of the company."""', '"""A customer."""'));
    const { command, args } = npmScript('catalog', [...paths(), '--check']);
    const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/catalog\.md and .*catalog\.json are stale: run `npm run catalog`/);
  });

  it('exits 2 naming --supergraph when the file cannot be read', () => {
    let stderr = '';
    const code = runCatalog(['--supergraph', join(dir, 'missing.graphql'), '--check'], { out: () => {}, err: (text) => (stderr += text) });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^catalog: --supergraph: cannot read .*missing\.graphql/);
  });
});
