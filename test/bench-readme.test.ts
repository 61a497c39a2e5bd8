import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENTS_LATEST_RESULTS, EVENTS_MARKERS, readEventsResults, renderEventsBlock } from '../bench/events-table.js';
import { FLEET_LATEST_RESULTS, FLEET_MARKERS, readFleetResults, renderFleetBlock } from '../bench/fleet-table.js';
import { extractReadmeBlock, LATEST_RESULTS, README_END, README_START, readResults, renderReadmeTable, REPLAYED_LATEST_RESULTS, REPLAYED_MARKERS } from '../bench/readme-table.js';

/**
 * The README's benchmark table is generated, never typed: it must be exactly what
 * `renderReadmeTable` makes of the committed bench/results/latest.json (`npm run bench` writes both).
 */
describe('README benchmark table', () => {
  it('is the rendering of bench/results/latest.json, between the bench markers', () => {
    expect(existsSync(LATEST_RESULTS), `${LATEST_RESULTS} is missing: run npm run bench`).toBe(true);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = extractReadmeBlock(readme);
    expect(block, `README.md needs ${README_START} … ${README_END}`).toBeDefined();
    expect(block).toBe(renderReadmeTable(readResults()));
  });

  it('has the replayed block: the rendering of bench/results/replayed-latest.json, between the replayed markers', () => {
    expect(existsSync(REPLAYED_LATEST_RESULTS), `${REPLAYED_LATEST_RESULTS} is missing: run npm run bench -- --replayed`).toBe(true);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = extractReadmeBlock(readme, REPLAYED_MARKERS);
    expect(block, `README.md needs ${REPLAYED_MARKERS.start} … ${REPLAYED_MARKERS.end}`).toBeDefined();
    const results = readResults(REPLAYED_LATEST_RESULTS);
    expect(results.settings.subgraphs).toBe('replayed');
    expect(block).toBe(renderReadmeTable(results));
  });

  it('has the fleet block: the rendering of bench/results/fleet-latest.json, between the fleet markers', () => {
    expect(existsSync(FLEET_LATEST_RESULTS), `${FLEET_LATEST_RESULTS} is missing: run npm run bench -- --fleet`).toBe(true);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = extractReadmeBlock(readme, FLEET_MARKERS);
    expect(block, `README.md needs ${FLEET_MARKERS.start} … ${FLEET_MARKERS.end}`).toBeDefined();
    expect(block).toBe(renderFleetBlock(readFleetResults()));
  });

  it('has the events block: the rendering of bench/results/events-latest.json, between the events-bench markers', () => {
    expect(existsSync(EVENTS_LATEST_RESULTS), `${EVENTS_LATEST_RESULTS} is missing: run npm run bench -- --events`).toBe(true);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = extractReadmeBlock(readme, EVENTS_MARKERS);
    expect(block, `README.md needs ${EVENTS_MARKERS.start} … ${EVENTS_MARKERS.end}`).toBeDefined();
    expect(block).toBe(renderEventsBlock(readEventsResults()));
  });
});
