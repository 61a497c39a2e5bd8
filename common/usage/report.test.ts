import { describe, expect, it } from 'vitest';
import { fieldReport, fieldSummaries, formatTable, parseCoordinate, parseSince, seenSince } from './report.js';
import { usageRecord } from '../../test/helpers/usage-records.js';

const record = usageRecord;

const records = [
  record({ clientName: 'web', count: 5, lastSeen: '2026-11-20T00:00:00.000Z' }),
  record({ clientName: 'app', count: 2 }),
  record({
    operationHash: 'bbb',
    operationName: 'Export',
    clientName: 'web',
    count: 1,
    fields: ['Customer.email', 'Customer.phone', 'Query.customers', 'CustomerConnection.nodes'],
  }),
  record({ operationHash: 'ccc', operationName: 'Orders', clientName: 'reporting', count: 9, fields: ['Query.orders'] }),
];

describe('usage report', () => {
  it('parses Type.field and Type, refusing anything else', () => {
    expect(parseCoordinate('Customer.phone')).toEqual({ kind: 'field', coordinate: 'Customer.phone' });
    expect(parseCoordinate('Customer')).toEqual({ kind: 'type', type: 'Customer' });
    for (const bad of ['Customer.', '.phone', 'Customer.phone.x', 'Customer.phone(id:)', '1Customer', '']) expect(parseCoordinate(bad)).toBeUndefined();
  });

  it('parses --since as a duration back from now or an ISO date', () => {
    const now = new Date('2026-11-27T00:00:00.000Z');
    expect(parseSince('30d', now)?.toISOString()).toBe('2026-10-28T00:00:00.000Z');
    expect(parseSince('12h', now)?.toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(parseSince('90m', now)?.toISOString()).toBe('2026-11-26T22:30:00.000Z');
    expect(parseSince('2w', now)?.toISOString()).toBe('2026-11-13T00:00:00.000Z');
    expect(parseSince('2026-11-01', now)?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    for (const bad of ['30', 'd', '30y', 'yesterday', '2026-13-45']) expect(parseSince(bad, now)).toBeUndefined();
  });

  it('names every client and operation that selects a field, most used first', () => {
    expect(fieldReport(records, 'Customer.phone')).toEqual({
      coordinate: 'Customer.phone',
      clients: [
        { clientName: 'web', count: 6, operations: 2, lastSeen: '2026-11-20T00:00:00.000Z' },
        { clientName: 'app', count: 2, operations: 1, lastSeen: '2026-11-01T00:00:00.000Z' },
      ],
      operations: [
        { clientName: 'web', operationName: 'Contact', operationHash: 'aaa', count: 5, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-20T00:00:00.000Z' },
        { clientName: 'app', operationName: 'Contact', operationHash: 'aaa', count: 2, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-01T00:00:00.000Z' },
        { clientName: 'web', operationName: 'Export', operationHash: 'bbb', count: 1, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-01T00:00:00.000Z' },
      ],
    });
    expect(fieldReport(seenSince(records, new Date('2026-11-10T00:00:00.000Z')), 'Customer.phone').operations.map((use) => use.clientName)).toEqual(['web']);
    expect(fieldReport(records, 'Customer.name')).toEqual({ coordinate: 'Customer.name', clients: [], operations: [] });
  });

  it('summarizes the fields of one type, or of all types, by usage', () => {
    expect(fieldSummaries(records, 'Customer')).toEqual([
      { coordinate: 'Customer.phone', count: 8, clients: ['app', 'web'], operations: 3, lastSeen: '2026-11-20T00:00:00.000Z' },
      { coordinate: 'Customer.email', count: 1, clients: ['web'], operations: 1, lastSeen: '2026-11-01T00:00:00.000Z' },
    ]);
    expect(fieldSummaries(records).map((field) => [field.coordinate, field.count])).toEqual([
      ['Query.orders', 9],
      ['Customer.phone', 8],
      ['Query.customer', 7],
      ['Customer.email', 1],
      ['CustomerConnection.nodes', 1],
      ['Query.customers', 1],
    ]);
  });

  it('formats a table with aligned columns', () => {
    expect(
      formatTable([
        ['field', 'count'],
        ['Customer.phone', '8'],
      ]),
    ).toBe('field           count\nCustomer.phone  8');
  });
});
