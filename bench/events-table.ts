import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachineLine, type ReadmeMarkers } from './readme-table.js';
import { markdownTable } from './table.js';
import type { Commit, Machine } from './types.js';

/**
 * `npm run bench -- --events`: orders per second through the whole business flow of issue 17
 * (createOrder through the gateway → the ERP's outbox → billing's invoice and the carrier's parcel)
 * on each event transport, and the README block made of it (generated, never typed;
 * test/bench-readme.test.ts compares it with `bench/results/events-latest.json`).
 */
export const EVENTS_MARKERS: ReadmeMarkers = { start: '<!-- events-bench:start -->', end: '<!-- events-bench:end -->' };
export const EVENTS_LATEST_RESULTS = fileURLToPath(new URL('./results/events-latest.json', import.meta.url));

export type EventsTransport = 'jetstream' | 'http';

export interface EventsRun {
  transport: EventsTransport;
  /** Writers, each placing an order and waiting for its invoice and parcel before placing the next. */
  writers: number;
  /** Orders whose invoice and parcel both existed within the measured window. */
  completed: number;
  seconds: number;
  ordersPerSec: number;
  /** Order placed (createOrder sent) → invoice and parcel both seen, over the completed orders. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** createOrder's own answer time (the part the writer waits for before the events take over). */
  placeP50Ms: number;
  /** Orders refused or not completed within the wait after the window. */
  errors: number;
  /** The first few error messages. */
  errorSamples: string[];
  /** The checker's gateway answers that carried errors (their orders are asked again), and a few of them. */
  checkErrors: number;
  checkErrorSamples: string[];
}

export interface EventsResults {
  format: 'bizgraph-events-bench/1';
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  commit: Commit;
  seed: { seed: number; scale: number };
  settings: { warmupSeconds: number; durationSeconds: number; pollIntervalMs: number; writers: number[] };
  runs: EventsRun[];
}

const TRANSPORT_LABELS: Record<EventsTransport, string> = {
  jetstream: 'NATS JetStream',
  http: 'signed HTTP (embedded)',
};

export function renderEventsBlock(results: EventsResults): string {
  const table = markdownTable(
    ['transport', 'writers', 'orders/s', 'p50 ms', 'p99 ms', 'max ms', 'createOrder p50 ms', 'orders completed', 'errors'],
    results.runs.map((run) => [
      TRANSPORT_LABELS[run.transport],
      String(run.writers),
      run.ordersPerSec.toFixed(1),
      run.p50Ms.toFixed(0),
      run.p99Ms.toFixed(0),
      run.maxMs.toFixed(0),
      run.placeP50Ms.toFixed(0),
      String(run.completed),
      String(run.errors),
    ]),
    [false, true, true, true, true, true, true, true, true],
  );
  const { settings } = results;
  const minutes = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 60_000;
  return [
    table,
    '',
    `${describeMachineLine(results)} · ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per run · completion polled every ${settings.pollIntervalMs} ms through the gateway · everything (gateway, five subgraphs, stand-ins, NATS, the load generator) shares the machine's cores.`,
    '',
    `Reproduce with \`npm run bench -- --events\` (${minutes.toFixed(1)} minutes here, start-up included; it rewrites \`bench/results/events-latest.json\` and this block).`,
  ].join('\n');
}

export function readEventsResults(file: string = EVENTS_LATEST_RESULTS): EventsResults {
  return JSON.parse(readFileSync(file, 'utf8')) as EventsResults;
}
