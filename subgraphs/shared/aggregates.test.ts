import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readDateTime } from './aggregates.js';

const ORIGIN = { subgraph: 'billing', system: 'billing' } as const;
const refusal = (value: string) => {
  try {
    readDateTime(value, 'on', ORIGIN);
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions : error;
  }
  return 'accepted';
};

describe('readDateTime', () => {
  it('reads a date as midnight UTC and a date-time with its offset', () => {
    expect(readDateTime('2024-02-29', 'on', ORIGIN).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(readDateTime('2025-03-15T10:30:00+02:00', 'on', ORIGIN).toISOString()).toBe('2025-03-15T08:30:00.000Z');
  });

  it.each(['2025-02-30', '2025-02-29T00:00:00Z', '2025-04-31T12:00:00Z', '2025-13-01', '2025-01-01T23:60:00Z', '15.03.2025', ''])(
    'refuses %j with BAD_USER_INPUT naming the argument, not a neighbouring day',
    (value) => {
      expect(refusal(value)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'on' });
    },
  );
});
