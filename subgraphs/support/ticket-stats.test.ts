import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../test/helpers/expected.js';
import { portalPrincipal } from '../../test/helpers/subgraphs/row-level.js';
import { startSupport, type SupportProcesses } from '../../test/helpers/subgraphs/support.js';
import type { SeedTicket } from '../../systems/seed/types.js';

/**
 * ticketStats: counted by the support desk stand-in's reporting endpoint (one call), checked here
 * against counts computed independently from the seed.
 */

let support: SupportProcesses;
beforeAll(async () => {
  support = await startSupport();
});
afterAll(async () => {
  await support?.stop();
});

const STATS = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $groupBy: [TicketGroupBy!], $first: Int) {
    ticketStats(from: $from, to: $to, groupBy: $groupBy, first: $first) {
      from
      groupBy
      truncated
      rows {
        month
        status
        priority
        tickets
        overdue
      }
    }
  }
`;
const ORDER = ['NEW', 'OPEN', 'PENDING', 'SOLVED', 'CLOSED', 'LOW', 'NORMAL', 'HIGH', 'URGENT'];

function expected(tickets: readonly SeedTicket[], key: (ticket: SeedTicket) => { month: string | null; status: string | null; priority: string | null }) {
  const now = new Date().toISOString();
  const groups = new Map<string, { month: string | null; status: string | null; priority: string | null; tickets: number; overdue: number }>();
  for (const ticket of tickets) {
    const fields = key(ticket);
    const id = JSON.stringify([fields.month ?? '', ORDER.indexOf(fields.status ?? ''), ORDER.indexOf(fields.priority ?? '')]);
    const group = groups.get(id) ?? { ...fields, tickets: 0, overdue: 0 };
    group.tickets++;
    if (ticket.status !== 'SOLVED' && ticket.status !== 'CLOSED' && ticket.slaDueAt < now) group.overdue++;
    groups.set(id, group);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}
const inPeriod = (from: string, to: string) => dataset.tickets.filter((ticket) => ticket.createdAt >= from && ticket.createdAt < to);

describe('ticketStats', () => {
  it('counts tickets per status and priority of a year in one desk call', async () => {
    await support.resetDeskCalls();
    const { body } = await support.query(STATS, { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', groupBy: ['STATUS', 'PRIORITY'] });
    expect(body.errors).toBeUndefined();
    expect((await support.deskCalls()).byRoute).toEqual({ 'GET /tickets/stats': 1 });
    const rows = expected(inPeriod('2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), (ticket) => ({ month: null, status: ticket.status, priority: ticket.priority }));
    expect(rows.length).toBeGreaterThan(6);
    expect(body.data!.ticketStats).toEqual({ from: '2025-01-01T00:00:00.000Z', groupBy: ['STATUS', 'PRIORITY'], truncated: false, rows });
  });

  it('counts per month, cuts at first, and counts a portal requester its own tickets only', async () => {
    const all = await support.query(STATS, { from: '2024-01-01', to: '2026-12-31', groupBy: ['MONTH'] });
    expect(all.body.data!.ticketStats.rows).toEqual(expected(dataset.tickets, (ticket) => ({ month: ticket.createdAt.slice(0, 7), status: null, priority: null })));
    const cut = await support.query(STATS, { from: '2024-01-01', to: '2026-12-31', groupBy: ['MONTH'], first: 3 });
    expect(cut.body.data!.ticketStats).toMatchObject({ truncated: true, rows: all.body.data!.ticketStats.rows.slice(0, 3) });

    const customer = dataset.customers.find((candidate) => dataset.tickets.some((ticket) => ticket.requesterEmail === candidate.email))!;
    const own = await support.query(STATS, { from: '2024-01-01', to: '2026-12-31', groupBy: [] }, portalPrincipal(customer));
    const mine = dataset.tickets.filter((ticket) => ticket.requesterEmail === customer.email);
    expect(own.body.data!.ticketStats.rows).toEqual([
      { month: null, status: null, priority: null, tickets: mine.length, overdue: expected(mine, () => ({ month: null, status: null, priority: null }))[0]!.overdue },
    ]);
  });

  it('refuses a bad period with BAD_USER_INPUT before asking the desk', async () => {
    await support.resetDeskCalls();
    const { body } = await support.query(STATS, { from: '2026-01-01', to: '2025-01-01' });
    expect(body.data).toEqual({ ticketStats: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect((await support.deskCalls()).requests).toBe(0);
  });
});
