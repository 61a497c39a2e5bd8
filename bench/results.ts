import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../scripts/lib/processes.js';
import { extractReadmeBlock, README_END, README_START, renderReadmeTable, REPLAYED_MARKERS, replaceReadmeBlock, type ReadmeMarkers } from './readme-table.js';
import type { BenchResults, Commit, Machine } from './types.js';

/** Where results go and what they say about the run's context (machine, commit). */
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

export function describeMachine(): Machine {
  const list = cpus();
  let os = `${type()} ${release()}`;
  try {
    // The distribution's name says more than the kernel version alone.
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty} (${type()} ${release()})`;
  } catch {
    // not Linux, or no os-release
  }
  return { cpuModel: list[0]?.model.trim() ?? 'unknown', cores: list.length, memoryBytes: totalmem(), os, node: process.version };
}

/** The checked-out commit and whether the working tree differs from it (read-only git queries). */
export function describeCommit(): Commit {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { sha: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return { sha: 'unknown', dirty: true };
  }
}

/** `2026-06-30T12-00-00Z`: an ISO timestamp safe in a file name. */
export function fileStamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export function writeJson(name: string, value: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/**
 * Writes the README block from the results. Returns what happened, for the run's summary:
 * the README is only touched between its markers, and left alone when they are absent.
 */
export function updateReadme(results: BenchResults): 'updated' | 'unchanged' | 'no markers' {
  return writeReadmeBlock(renderReadmeTable(results), results.settings.subgraphs === 'replayed' ? REPLAYED_MARKERS : undefined);
}

/** Writes one generated block between its markers (the comparison's by default). */
export function writeReadmeBlock(block: string, markers?: ReadmeMarkers): 'updated' | 'unchanged' | 'no markers' {
  const file = join(ROOT, 'README.md');
  const readme = readFileSync(file, 'utf8');
  if (extractReadmeBlock(readme, markers) === block) return 'unchanged';
  const next = replaceReadmeBlock(readme, block, markers);
  if (next === undefined) return 'no markers';
  writeFileSync(file, next);
  return 'updated';
}

export const MARKERS_HINT = `add ${README_START} and ${README_END} to README.md to have the table written there`;
