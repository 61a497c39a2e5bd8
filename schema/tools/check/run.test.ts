import { describe, expect, it } from 'vitest';
import { composeInline, LINK, ruleInput } from './test-support.js';
import { runCheck } from './run.js';

const crm = /* GraphQL */ `
  "Entry points."
  type Query {
    "A customer."
    customer(id: ID!): Customer @authenticated
  }
  "A customer."
  type Customer @key(fields: "id") {
    "Id."
    id: ID! @authenticated
    nickname: String @authenticated
  }
`;
const support = /* GraphQL */ `
  "A support ticket."
  type Ticket @key(fields: "id") {
    "Id."
    id: ID! @authenticated
    "Subject."
    subject: String! @authenticated
  }
  type Query {
    "A ticket."
    ticket(id: ID!): Ticket @authenticated
  }
`;
const subgraphs = [
  { name: 'crm', url: 'http://127.0.0.1:4001/graphql', file: 'crm.graphql', sdl: LINK + crm },
  { name: 'support', url: 'http://127.0.0.1:4004/graphql', file: 'support.graphql', sdl: LINK + support },
];
const { owners } = ruleInput('');
const input = { subgraphs, baseSupergraphSdl: composeInline({ crm, support }), manifest: [], usage: [], shareable: [], owners, today: '2026-11-27' };

describe('runCheck', () => {
  it('counts lint only on coordinates the checked subgraph contributes', async () => {
    const report = await runCheck({ ...input, focus: 'support' });
    expect({ errors: report.errors, warnings: report.warnings, othersLint: report.othersLint }).toEqual({ errors: 0, warnings: 0, othersLint: 1 });
  });

  it('counts everything with --all', async () => {
    const report = await runCheck(input);
    expect(report.sections.find((section) => section.title === 'Lint')!.findings).toEqual([
      { severity: 'error', rule: 'descriptions', coordinate: 'Customer.nickname', message: 'field has no description', subgraphs: ['crm'] },
    ]);
    expect(report.errors).toBe(1);
  });
});
