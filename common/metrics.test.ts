import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { boundedLabel, CLIENT_PATTERN, NAME_PATTERN, registerMetricsRoute, snakeCase } from './metrics.js';

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

describe('registerMetricsRoute', () => {
  it('measures the process from registration, so the first scrape already shows a blocked loop', async () => {
    const app = Fastify();
    registerMetricsRoute(app, new Registry());
    await app.ready();
    try {
      await sleep(250);
      const until = performance.now() + 300;
      while (performance.now() < until); // the event loop blocked for 300 ms before anyone scraped
      await sleep(150);
      const first = await app.inject({ method: 'GET', url: '/metrics' });
      expect(first.statusCode).toBe(200);
      const max = Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(first.body)?.[1]);
      expect(max).toBeGreaterThanOrEqual(0.25);
    } finally {
      await app.close();
    }
  });
});
