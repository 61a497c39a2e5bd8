import { describe, expect, it } from 'vitest';
import { mergeRecords } from './merge.js';
import { usageRecord } from '../../test/helpers/usage-records.js';

const record = usageRecord;

describe('mergeRecords', () => {
  it('adds counts of one operation and client, keeping the earliest first and latest last seen and every field', () => {
    const merged = mergeRecords(
      [record({ count: 3, firstSeen: '2026-11-02T00:00:00.000Z', lastSeen: '2026-11-05T00:00:00.000Z', fields: ['Customer.phone', 'Query.customer'] })],
      [record({ count: 4, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-03T00:00:00.000Z', fields: ['Customer.email', 'Query.customer'] })],
    );
    expect(merged).toEqual([
      record({ count: 7, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-05T00:00:00.000Z', fields: ['Customer.email', 'Customer.phone', 'Query.customer'] }),
    ]);
  });

  it('takes the operation name last seen', () => {
    const older = record({ operationName: 'Old', lastSeen: '2026-11-01T00:00:00.000Z' });
    const newer = record({ operationName: 'New', lastSeen: '2026-11-02T00:00:00.000Z' });
    expect(mergeRecords([newer], [older])[0]!.operationName).toBe('New');
    expect(mergeRecords([older], [newer])[0]!.operationName).toBe('New');
  });

  it('keeps other clients and operations apart, sorted by operation hash then client', () => {
    const merged = mergeRecords(
      [record({ operationHash: 'bbb', clientName: 'web' }), record({ clientName: 'web' })],
      [record({ clientName: 'app' }), record({ operationHash: 'bbb', clientName: 'web', count: 2 })],
    );
    expect(merged.map(({ operationHash, clientName, count }) => [operationHash, clientName, count])).toEqual([
      ['aaa', 'app', 1],
      ['aaa', 'web', 1],
      ['bbb', 'web', 3],
    ]);
  });

  it('merges duplicates within one list too', () => {
    expect(mergeRecords([record({ count: 2 }), record({ count: 5 })], [])).toEqual([record({ count: 7 })]);
  });
});
