import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { type Stack, graphqlAs, startStack } from './helpers/stack.js';

/**
 * Issue 16, part 3: each owning system answers aggregates over its own data, through the one
 * endpoint, with scopes that follow the data: revenue and aging are finance data (a sales token
 * gets them null with UNAUTHORIZED_FIELD_OR_TYPE), and a row grouped by customer is completed by
 * the CRM like any entity.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const asFinance = graphqlAs({ preset: 'finance' });
const asSales = graphqlAs({ preset: 'sales' });
const asAdmin = graphqlAs({ preset: 'admin' });

const REPORT = /* GraphQL */ `
  {
    salesSummary(from: "2025-01-01", to: "2026-01-01", groupBy: [CUSTOMER], first: 1000) {
      rows {
        customer {
          id
          country
        }
        currency
        orders
      }
    }
    revenue(from: "2025-01-01", to: "2026-01-01", groupBy: []) {
      rows {
        currency
        invoices
      }
    }
    receivablesAging(asOf: "2026-03-01T00:00:00Z") {
      buckets {
        bucket
        currency
        invoices
      }
    }
  }
`;

describe('aggregates through the gateway', () => {
  it('answers the ERP and billing aggregates to a finance token, each row grouped by customer completed by the CRM', async () => {
    const { body } = await asFinance(stack.gatewayUrl, REPORT);
    expect(body.errors).toBeUndefined();
    const countryOf = new Map(dataset.customers.map((customer) => [customer.id, customer.country]));
    const rows = body.data!.salesSummary.rows as Array<{ customer: { id: string; country: string }; orders: number }>;
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) expect(row.customer.country).toBe(countryOf.get(row.customer.id));
    const inYear = dataset.orders.filter((order) => order.placedAt >= '2025-01-01' && order.placedAt < '2026-01-01' && order.statusCode !== 'X');
    expect(rows.reduce((sum, row) => sum + row.orders, 0)).toBe(inYear.length);
    const invoices = dataset.invoices.filter((invoice) => invoice.issuedOn >= '2025-01-01' && invoice.issuedOn < '2026-01-01' && invoice.statusCode !== 'V');
    expect((body.data!.revenue.rows as Array<{ invoices: number }>).reduce((sum, row) => sum + row.invoices, 0)).toBe(invoices.length);
    expect(body.data!.receivablesAging.buckets.length).toBeGreaterThan(3);
  });

  it('refuses revenue and aging to a sales token (no finance:read) and still answers its sales summary', async () => {
    const { body } = await asSales(stack.gatewayUrl, REPORT);
    expect(body.data!.revenue).toBeNull();
    expect(body.data!.receivablesAging).toBeNull();
    expect(body.data!.salesSummary.rows.length).toBeGreaterThan(50);
    const refused = (body.errors ?? []).filter((error) => error.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE').map((error) => error.path?.[0]);
    expect(refused.sort()).toEqual(['receivablesAging', 'revenue']);
  });

  it('answers the support and logistics statistics through the same endpoint', async () => {
    const { body } = await asAdmin(
      stack.gatewayUrl,
      '{ ticketStats(from: "2024-01-01", to: "2026-12-31", groupBy: []) { rows { tickets } } shipmentStats(from: "2024-01-01", to: "2026-12-31", groupBy: []) { rows { shipments } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ ticketStats: { rows: [{ tickets: dataset.tickets.length }] }, shipmentStats: { rows: [{ shipments: dataset.shipments.length }] } });
  });
});
