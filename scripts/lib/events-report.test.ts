import { describe, expect, it } from 'vitest';
import type { EventStats } from '../../subgraphs/shared/events/operations.js';
import { mergeTail, renderStats, statsReport, type TailRow } from './events-report.js';

/** What `npm run events -- stats` joins across subgraphs: a consumer's lag needs its producers' outboxes. */
const erp: EventStats = {
  subgraph: 'erp',
  transport: 'http',
  outbox: [
    { source: 'erp', type: 'order.approved', total: 5, published: 4, unpublished: 1 },
    { source: 'erp', type: 'order.cancelled', total: 1, published: 1, unpublished: 0 },
  ],
  oldestUnpublishedSeconds: 12.34,
  relay: { published: 5, failures: 0, lastError: null },
  deliveries: [],
  consumers: [],
  backlog: null,
  sinceStart: [],
};
const billing: EventStats = {
  subgraph: 'billing',
  transport: 'http',
  outbox: [],
  oldestUnpublishedSeconds: 0,
  relay: { published: 0, failures: 0, lastError: null },
  deliveries: [],
  consumers: [
    { consumer: 'billing.invoice-on-approval', subjects: ['erp.order.approved'], processed: 2, deadLettered: 1, replayed: 0, held: 1 },
    { consumer: 'billing.void-on-cancel', subjects: ['erp.order.cancelled'], processed: 1, deadLettered: 0, replayed: 0, held: 0 },
  ],
  backlog: null,
  sinceStart: [{ consumer: 'billing.invoice-on-approval', type: 'order.approved', processed: 2, duplicates: 0, retried: 3, held: 0, deadLettered: 1 }],
};

describe('events stats', () => {
  it("lag = its subjects' published events − processed − dead-lettered", () => {
    const report = statsReport([erp, billing]);
    expect(report.consumers.map((row) => [row.consumer, row.lag])).toEqual([
      ['billing.invoice-on-approval', 1],
      ['billing.void-on-cancel', 0],
    ]);
    expect(report.oldestUnpublishedSeconds).toEqual({ erp: 12.3, billing: 0 });
  });

  it('a producer that did not answer leaves its consumers’ lag unknown, not 0', () => {
    const report = statsReport([billing], [{ subgraph: 'erp', error: 'erp: unreachable' }]);
    expect(report.consumers.map((row) => row.lag)).toEqual([null, null]);
    expect(renderStats(report)).toMatch(/^billing\s+billing\.invoice-on-approval\s+erp\.order\.approved\s+2\s+1\s+1\s+0\s+\?$/m);
  });

  it('renders the outbox, the oldest unpublished row and the consumers as tables', () => {
    const text = renderStats(statsReport([erp, billing]));
    expect(text).toContain('oldest unpublished outbox row: erp 12.3s, billing drained');
    expect(text).toMatch(/^erp\s+erp\.order\.approved\s+4\s+1$/m);
    expect(text).toMatch(/^billing\.invoice-on-approval\s+order\.approved\s+2\s+0\s+3\s+0\s+1$/m);
    expect(text).not.toContain('broker backlog');
  });

  it("on JetStream, adds each consumer's broker backlog; one the broker did not report reads -", () => {
    const onJetStream: EventStats = { ...billing, transport: 'jetstream', backlog: [{ consumer: 'billing.invoice-on-approval', events: 7 }] };
    const report = statsReport([erp, onJetStream]);
    expect(report.consumers.map((row) => [row.consumer, row.backlog])).toEqual([
      ['billing.invoice-on-approval', 7],
      ['billing.void-on-cancel', null],
    ]);
    const text = renderStats(report);
    expect(text).toMatch(/^subgraph\s+consumer\s+subjects\s+processed\s+held\s+dead\s+replayed\s+lag\s+broker backlog$/m);
    expect(text).toMatch(/^billing\s+billing\.invoice-on-approval\s+erp\.order\.approved\s+2\s+1\s+1\s+0\s+1\s+7$/m);
    expect(text).toMatch(/^billing\s+billing\.void-on-cancel\s+erp\.order\.cancelled\s+1\s+0\s+0\s+0\s+0\s+-$/m);
  });
});

describe('events tail', () => {
  const row = (subgraph: string, seq: number, occurredAt: string): TailRow => ({
    subgraph,
    seq,
    id: `${subgraph}-${seq}`,
    source: subgraph,
    type: 't',
    aggregateType: 'A',
    aggregateKey: 'k',
    occurredAt,
    publishedAt: null,
  });

  it('merges the producers newest last', () => {
    const merged = mergeTail([row('erp', 2, '2026-12-06T10:00:02.000Z'), row('billing', 7, '2026-12-06T10:00:01.000Z'), row('erp', 1, '2026-12-06T10:00:00.000Z')]);
    expect(merged.map((entry) => entry.id)).toEqual(['erp-1', 'billing-7', 'erp-2']);
  });
});
