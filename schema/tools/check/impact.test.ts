import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { consumerImpact } from './consumer-impact.js';
import type { KnownOperation } from './consumers.js';
import { scopeImpact } from './scope-impact.js';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    customer(id: ID!): Customer
    order(number: String!): Order
  }
  type Customer {
    id: ID!
    segment: Segment
    email: String
    balance: String
  }
  enum Segment {
    SMB
    ENTERPRISE
  }
  type Order {
    number: String!
  }
`);
const portal: KnownOperation = {
  name: 'PortalAccount',
  clients: ['web-portal'],
  source: 'manifest',
  fields: ['Customer.email', 'Customer.segment', 'Query.customer'],
  types: ['Customer', 'Query', 'Segment'],
};
const orders: KnownOperation = {
  name: 'Orders',
  clients: ['reporting'],
  source: 'usage',
  count: 3,
  lastSeen: '2026-11-20T10:00:00.000Z',
  fields: ['Order.number', 'Query.order'],
  types: ['Order', 'Query'],
};

describe('consumer impact', () => {
  it('fails a removed type any known operation touches, and warns about one nobody uses', () => {
    const changes = [
      { criticality: 'breaking' as const, type: 'TYPE_REMOVED', message: "Type 'Segment' was removed", path: 'Segment' },
      { criticality: 'breaking' as const, type: 'FIELD_ARGUMENT_ADDED', message: "Argument 'x: Int!' added to field 'Order.number'", path: 'Order.number.x' },
      { criticality: 'breaking' as const, type: 'FIELD_REMOVED', message: "Field 'balance' was removed from object type 'Customer'", path: 'Customer.balance' },
    ];
    expect(consumerImpact(changes, [portal, orders], schema).map(({ severity, coordinate, message }) => `${severity} ${coordinate}: ${message}`)).toEqual([
      "error Segment: Type 'Segment' was removed: breaks 1 known operation: PortalAccount (web-portal; manifest)",
      "error Order.number.x: Argument 'x: Int!' added to field 'Order.number': breaks 1 known operation: Orders (reporting; usage log: 3 calls, last seen 2026-11-20T10:00:00.000Z)",
      "warning Customer.balance: Field 'balance' was removed from object type 'Customer': breaking, no known consumer (manifest and usage log)",
    ]);
  });
});

describe('scope impact', () => {
  it('warns about a widened pii field for security review, and reports both sides of a changed rule', () => {
    const widened = {
      coordinate: 'Customer.email',
      before: { authenticated: true, anyOf: [['crm:read', 'pii:read']] },
      after: { authenticated: true, anyOf: [['crm:read']] },
      direction: 'widened' as const,
      tags: ['pii'],
    };
    const changed = {
      coordinate: 'Order.number',
      before: { authenticated: true, anyOf: [['erp:read']] },
      after: { authenticated: true, anyOf: [['billing:read']] },
      direction: 'changed' as const,
      tags: [],
    };
    expect(scopeImpact([widened, changed], [portal, orders]).map(({ severity, coordinate, message }) => `${severity} ${coordinate}: ${message}`)).toEqual([
      'warning Customer.email: security review (pii): widened: now requires crm:read (before: crm:read AND pii:read); presets gaining access: sales, finance, reporting, operations; newly admitted: crm:read',
      'error Order.number: Orders (reporting; usage log: 3 calls, last seen 2026-11-20T10:00:00.000Z) loses access: now requires billing:read (before: erp:read); presets losing access: sales, support; scope sets losing access: erp:read',
      'warning Order.number: changed: now requires billing:read (before: erp:read); presets gaining access: none; newly admitted: billing:read',
    ]);
  });
});
