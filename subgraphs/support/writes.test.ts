import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLA_HOURS } from '../../systems/seed/generate.js';
import { dataset } from '../../test/helpers/expected.js';
import { http } from '../../test/helpers/graphql.js';
import { startSupport, type SupportProcesses } from '../../test/helpers/subgraphs/support.js';

let support: SupportProcesses;
beforeAll(async () => {
  support = await startSupport();
});
afterAll(async () => {
  await support?.stop();
});

const OPEN = /* GraphQL */ `
  mutation ($input: OpenTicketInput!) {
    openTicket(input: $input) {
      id
      subject
      description
      status
      priority
      createdAt
      slaDueAt
      customer {
        email
      }
      order {
        number
      }
    }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $input: UpdateTicketInput!) {
    updateTicket(id: $id, input: $input) {
      id
      status
      priority
      createdAt
      slaDueAt
    }
  }
`;
const customer = dataset.customers[5]!;
const input = {
  idempotencyKey: 'open-1',
  requesterEmail: customer.email,
  subject: 'Invoice is missing',
  description: 'Please resend it.',
  priority: 'URGENT',
  orderNumber: 'SO-100001',
};
const open = (variables: Record<string, unknown>) => support.query(OPEN, { input: variables });

describe('support subgraph writes', () => {
  let first: Record<string, unknown>;

  it('opens a ticket in the desk', async () => {
    const before = await support.deskTicketCount();
    const response = await open(input);
    expect(response.body.errors).toBeUndefined();
    first = response.body.data!.openTicket;
    expect(first).toEqual({
      id: 'tkt_01201',
      subject: input.subject,
      description: input.description,
      status: 'NEW',
      priority: 'URGENT',
      createdAt: expect.any(String),
      slaDueAt: new Date(Date.parse(first.createdAt as string) + SLA_HOURS.URGENT * 3_600_000).toISOString(),
      customer: { email: customer.email },
      order: { number: 'SO-100001' },
    });
    expect(await support.deskTicketCount()).toBe(before + 1);
  });

  it('replays the same idempotency key: the first ticket, nothing new in the desk', async () => {
    const before = await support.deskTicketCount();
    expect((await open(input)).body).toEqual({ data: { openTicket: first } });
    expect(await support.deskTicketCount()).toBe(before);
  });

  it('replays after restarting both the subgraph and the desk', async () => {
    const before = await support.deskTicketCount();
    await Promise.all([support.subgraph.stop(), support.desk.stop()]);
    await support.startDesk();
    await support.startSubgraph();
    expect((await open(input)).body).toEqual({ data: { openTicket: first } });
    expect(await support.deskTicketCount()).toBe(before);
  });

  it('answers CONFLICT for the same key with different input', async () => {
    const response = await open({ ...input, subject: 'Something else' });
    expect(response.body.data).toEqual({ openTicket: null });
    expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', system: 'support', subgraph: 'support', field: 'input.idempotencyKey' });
  });

  it('rejects bad input before calling the desk, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ requesterEmail: 'not-an-email' }, 'input.requesterEmail'],
      [{ subject: '   ' }, 'input.subject'],
      [{ subject: 'x'.repeat(201) }, 'input.subject'],
      [{ idempotencyKey: '' }, 'input.idempotencyKey'],
      [{ idempotencyKey: 'k'.repeat(201) }, 'input.idempotencyKey'],
      [{ orderNumber: '100001' }, 'input.orderNumber'],
    ];
    await support.resetDeskCalls();
    for (const [change, field] of cases) {
      const response = await open({ ...input, idempotencyKey: 'open-bad', ...change });
      expect(response.body.data).toEqual({ openTicket: null });
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, system: 'support', subgraph: 'support' });
    }
    expect((await support.deskCalls()).requests).toBe(0);
  });

  it('updates status and priority, recomputing the SLA', async () => {
    const seed = dataset.tickets.find((ticket) => ticket.id === 'tkt_00003')!;
    const response = await support.query(UPDATE, { id: 'tkt_00003', input: { status: 'SOLVED', priority: 'HIGH' } });
    expect(response.body).toEqual({
      data: {
        updateTicket: {
          id: 'tkt_00003',
          status: 'SOLVED',
          priority: 'HIGH',
          createdAt: seed.createdAt,
          slaDueAt: new Date(Date.parse(seed.createdAt) + SLA_HOURS.HIGH * 3_600_000).toISOString(),
        },
      },
    });
  });

  it('answers NOT_FOUND on id for an unknown ticket', async () => {
    const response = await support.query(UPDATE, { id: 'tkt_99999', input: { status: 'OPEN' } });
    expect(response.body.data).toEqual({ updateTicket: null });
    expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id', system: 'support', subgraph: 'support' });
  });

  it('answers UPSTREAM_ERROR naming the support system when the desk is down', async () => {
    await support.desk.stop();
    const response = await support.query('{ ticket(id: "tkt_00001") { id } }');
    expect(response.body.data).toEqual({ ticket: null });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', system: 'support', subgraph: 'support' });
    expect(await http('GET', `${support.subgraph.url}/readyz`)).toMatchObject({ status: 503, body: { status: 'unavailable', subgraph: 'support' } });
    const opened = await open({ ...input, idempotencyKey: 'open-while-down' });
    expect(opened.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', system: 'support', subgraph: 'support' });
  });
});
