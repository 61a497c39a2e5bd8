import type { UsageRecord } from '../../common/usage/types.js';

/** A usage record for tests: one run of `Contact` by `web` on 2026-11-01, with the given changes. */
export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    operationHash: 'aaa',
    operationName: 'Contact',
    clientName: 'web',
    fields: ['Customer.phone', 'Query.customer'],
    count: 1,
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}
