import { describe, expect, it } from 'vitest';
import { composeInline, ruleInput } from '../test-support.js';
import { ownership } from './ownership.js';

const withOwner = (team: string) =>
  composeInline({
    crm: /* GraphQL */ `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@authenticated", "@composeDirective"])
  @link(url: "https://bizgraph.example/owner/v0.1", import: ["@owner"])
  @composeDirective(name: "@owner")
directive @owner(team: String!) on OBJECT | FIELD_DEFINITION | INTERFACE | ENUM | SCALAR | INPUT_OBJECT | UNION
type Query { customer(id: ID!): Customer @authenticated }
type Customer @key(fields: "id") @owner(team: "customer-platform") {
  id: ID! @authenticated
  phone: String @authenticated @owner(team: "${team}")
}
`,
  });

describe('ownership rule', () => {
  it('passes when every subgraph has an owners.yaml entry and every @owner names a team', () => {
    expect(ownership(ruleInput(withOwner('contact-data'), { subgraphs: ['crm'] }))).toEqual([]);
  });

  it('fails a subgraph missing from owners.yaml and an @owner with an empty team', () => {
    expect(ownership(ruleInput(withOwner(' '), { subgraphs: ['crm', 'logistics'] }))).toEqual([
      { severity: 'error', rule: 'ownership', coordinate: 'subgraph:logistics', subgraphs: ['logistics'], message: 'no entry in schema/owners.yaml (team, system, contact, sla)' },
      { severity: 'error', rule: 'ownership', coordinate: 'Customer.phone', message: '@owner needs a non-empty team' },
    ]);
    expect(ownership(ruleInput(withOwner('x'), { owners: { error: 'subgraphs.crm.team must be a non-empty string' } }))[0]?.message).toBe(
      'schema/owners.yaml cannot be read: subgraphs.crm.team must be a non-empty string',
    );
  });
});
