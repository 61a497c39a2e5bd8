import { describe, expect, it } from 'vitest';
import { composeInline, ruleInput } from '../test-support.js';
import { deprecations } from './deprecations.js';

const passing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      customer(id: ID!): Customer @authenticated
    }
    type Customer @key(fields: "id") {
      id: ID! @authenticated
      phone: String @authenticated @deprecated(reason: "Use contacts; removal: 2027-06-30")
    }
  `,
});

const failing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      customer(id: ID!): Customer @authenticated
    }
    type Customer @key(fields: "id") {
      id: ID! @authenticated
      phone: String @authenticated @deprecated(reason: "Use contacts")
      fax: String @authenticated @deprecated(reason: "Nobody faxes; removal: 2026-01-31")
      pager: String @authenticated @deprecated
      telex: String @authenticated @deprecated(reason: "removal: 2026-02-30")
    }
  `,
});

describe('deprecations rule', () => {
  it('passes a deprecation with a reason and a future removal date', () => {
    expect(deprecations(ruleInput(passing))).toEqual([]);
  });

  it('fails a reason without a real removal date and warns about an overdue one', () => {
    expect(deprecations(ruleInput(failing))).toEqual([
      { severity: 'error', rule: 'deprecations', coordinate: 'Customer.phone', message: '@deprecated reason "Use contacts" needs a removal date: "… removal: YYYY-MM-DD"' },
      { severity: 'warning', rule: 'deprecations', coordinate: 'Customer.fax', message: 'overdue: removal was due 2026-01-31' },
      { severity: 'error', rule: 'deprecations', coordinate: 'Customer.pager', message: '@deprecated reason "No longer supported" needs a removal date: "… removal: YYYY-MM-DD"' },
      { severity: 'error', rule: 'deprecations', coordinate: 'Customer.telex', message: '@deprecated reason "removal: 2026-02-30" needs a removal date: "… removal: YYYY-MM-DD"' },
    ]);
  });
});
