import { formatTable } from '../../common/usage/report.js';
import type { DeadLetter, OutboxEntry, ReplayResult } from '../../subgraphs/shared/events/event-records.js';
import type { EventStats } from '../../subgraphs/shared/events/operations.js';

/**
 * What `npm run events` prints, as pure functions of what the subgraphs answered (the JSON of
 * `/events/*`), so the joins across systems — a consumer's lag needs its producers' outbox — are
 * tested without processes.
 */

export interface ConsumerReport {
  subgraph: string;
  consumer: string;
  subjects: readonly string[];
  processed: number;
  deadLettered: number;
  replayed: number;
  /** Received, not applied yet (retrying or waiting behind an earlier event of its aggregate). */
  held: number;
  /** Published events of its subjects that it has neither applied nor dead-lettered; null when a producer did not answer. */
  lag: number | null;
  /** JetStream: what the broker holds that it has not acknowledged (aged out past EVENTS_RETENTION_HOURS); null over HTTP or when the broker did not answer. */
  backlog: number | null;
}

export interface OutboxReport {
  subgraph: string;
  source: string;
  type: string;
  total: number;
  published: number;
  unpublished: number;
}

export interface StatsReport {
  outbox: OutboxReport[];
  /** Per producing subgraph: its oldest unpublished row's age in seconds (0: drained). */
  oldestUnpublishedSeconds: Record<string, number>;
  consumers: ConsumerReport[];
  /** Per consumer and event type, since each subgraph started (the runtime's counters). */
  sinceStart: Array<{ subgraph: string } & EventStats['sinceStart'][number]>;
  /** Subgraphs that did not answer. */
  errors: Array<{ subgraph: string; error: string }>;
}

export function statsReport(answers: readonly EventStats[], errors: StatsReport['errors'] = []): StatsReport {
  const outbox = answers.flatMap((stats) => (stats.outbox ?? []).map((row) => ({ subgraph: stats.subgraph, ...row })));
  const published = new Map(outbox.map((row) => [`${row.source}.${row.type}`, row.published]));
  const missing = new Set(errors.map((error) => error.subgraph));
  const consumers = answers.flatMap((stats) =>
    stats.consumers.map((consumer) => {
      const backlog = stats.backlog?.find((row) => row.consumer === consumer.consumer)?.events ?? null;
      const unknown = consumer.subjects.some((subject) => missing.has(subject.split('.')[0]!));
      const sent = consumer.subjects.reduce((sum, subject) => sum + (published.get(subject) ?? 0), 0);
      return { subgraph: stats.subgraph, ...consumer, lag: unknown ? null : Math.max(0, sent - consumer.processed - consumer.deadLettered), backlog };
    }),
  );
  return {
    outbox,
    oldestUnpublishedSeconds: Object.fromEntries(answers.filter((stats) => stats.outbox !== null).map((stats) => [stats.subgraph, round(stats.oldestUnpublishedSeconds)])),
    consumers,
    sinceStart: answers.flatMap((stats) => stats.sinceStart.map((row) => ({ subgraph: stats.subgraph, ...row }))),
    errors,
  };
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;

/** The table form; `report.errors` are the caller's to print (stderr). */
export function renderStats(report: StatsReport): string {
  const parts: string[] = [];
  const outboxRows = report.outbox.map((row) => [row.subgraph, `${row.source}.${row.type}`, String(row.published), String(row.unpublished)]);
  if (outboxRows.length) parts.push(formatTable([['producer', 'event', 'published', 'unpublished'], ...outboxRows]));
  else if (report.errors.length === 0) parts.push('no event in any outbox');
  const ages = Object.entries(report.oldestUnpublishedSeconds).map(([subgraph, seconds]) => `${subgraph} ${seconds === 0 ? 'drained' : `${seconds}s`}`);
  if (ages.length) parts.push(`oldest unpublished outbox row: ${ages.join(', ')}`);
  // On JetStream the broker's own count too: what it drops once older than the stream's max_age.
  const withBacklog = report.consumers.some((row) => row.backlog !== null);
  const header = ['subgraph', 'consumer', 'subjects', 'processed', 'held', 'dead', 'replayed', 'lag', ...(withBacklog ? ['broker backlog'] : [])];
  const consumerRows = report.consumers.map((row) => [
    row.subgraph,
    row.consumer,
    row.subjects.join(' '),
    String(row.processed),
    String(row.held),
    String(row.deadLettered),
    String(row.replayed),
    row.lag === null ? '?' : String(row.lag),
    ...(withBacklog ? [row.backlog === null ? '-' : String(row.backlog)] : []),
  ]);
  if (consumerRows.length) parts.push(formatTable([header, ...consumerRows]));
  const typeRows = report.sinceStart.map((row) => [
    row.consumer,
    row.type,
    String(row.processed),
    String(row.duplicates),
    String(row.retried),
    String(row.held),
    String(row.deadLettered),
  ]);
  if (typeRows.length)
    parts.push(`since each subgraph started:\n${formatTable([['consumer', 'type', 'processed', 'duplicates', 'retried', 'held', 'dead-lettered'], ...typeRows])}`);
  return parts.join('\n\n');
}

export type DeadRow = { subgraph: string } & DeadLetter;

export function renderDead(rows: readonly DeadRow[]): string {
  if (rows.length === 0) return 'no dead letters';
  return formatTable([
    ['consumer', 'event id', 'type', 'aggregate', 'attempts', 'dead at', 'replayed', 'last error'],
    ...rows.map((row) => [
      row.consumer,
      row.eventId,
      row.type ?? '?',
      row.aggregateKey === null ? '?' : `${row.aggregateType ?? '?'} ${row.aggregateKey}`,
      String(row.attempts),
      row.deadAt,
      row.replayedAt ?? '-',
      oneLine(row.lastError),
    ]),
  ]);
}

const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
};

export type TailRow = { subgraph: string } & OutboxEntry;

/** Outbox rows of every producer, oldest first (newest last), by occurred-at then producer order. */
export function mergeTail(rows: readonly TailRow[]): TailRow[] {
  return [...rows].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.subgraph.localeCompare(b.subgraph) || a.seq - b.seq);
}

export function renderTailLine(row: TailRow): string {
  return [
    row.occurredAt,
    `${row.source}.${row.type}`.padEnd(28),
    `${row.aggregateType} ${row.aggregateKey}`.padEnd(22),
    row.id,
    row.publishedAt ? 'published' : 'unpublished',
  ].join('  ');
}

export type ReplayRow = { subgraph: string } & ReplayResult;

const SAID: Record<ReplayResult['outcome'], string> = {
  applied: 'replayed: applied once',
  'already-processed': 'already processed: marked replayed, nothing applied again',
  'already-replayed': 'already replayed',
  'not-found': 'no such dead letter',
  invalid: 'refused: fails its JSON Schema',
  failed: 'failed again: still dead-lettered',
};

export function renderReplay(rows: readonly ReplayRow[]): string {
  return formatTable([
    ['consumer', 'event id', 'outcome'],
    ...rows.map((row) => [row.consumer, row.eventId, `${SAID[row.outcome]}${row.error ? ` (${oneLine(row.error)})` : ''}`]),
  ]);
}

/** A replay went wrong when an event failed again or was refused. */
export const replayFailed = (rows: readonly ReplayRow[]): boolean => rows.some((row) => row.outcome === 'failed' || row.outcome === 'invalid');
