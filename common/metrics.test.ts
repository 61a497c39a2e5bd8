import { describe, expect, it } from 'vitest';
import { boundedLabel, CLIENT_PATTERN, NAME_PATTERN, snakeCase } from './metrics.js';

describe('boundedLabel', () => {
  it('keeps the first well-formed values, then answers "other"; absent values get the fallback', () => {
    const label = boundedLabel({ max: 2, pattern: NAME_PATTERN, fallback: 'anonymous' });
    expect([label('GetCustomer'), label('ListOrders'), label('Third'), label('GetCustomer'), label(null), label('')]).toEqual([
      'GetCustomer',
      'ListOrders',
      'other',
      'GetCustomer',
      'anonymous',
      'anonymous',
    ]);
  });

  it('refuses malformed and overlong values, and new values that may not be admitted', () => {
    const label = boundedLabel({ max: 10, pattern: CLIENT_PATTERN, fallback: 'unknown' });
    expect(label('web-app/2.1')).toBe('web-app/2.1');
    expect(label('bad"quote')).toBe('other');
    expect(label('x'.repeat(65))).toBe('other');
    expect(label('reporting', false)).toBe('other');
    expect(label('web-app/2.1', false)).toBe('web-app/2.1');
  });
});

it('snakeCase turns counter keys into label values', () => {
  expect(['hits', 'staleIfErrorServes', 'crmWebhooksAccepted'].map(snakeCase)).toEqual(['hits', 'stale_if_error_serves', 'crm_webhooks_accepted']);
});
