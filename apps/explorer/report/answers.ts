import type { AnswerError, Source } from './client.js';

/**
 * What a panel says about the answers behind its figure: which systems were unavailable, which
 * fields the token may not read, and how old each system's values are (`extensions.sources`).
 */

/** Codes the gateway gives the fields of a system it could not get an answer from (README, "When a system fails"). */
const UNAVAILABLE_CODES = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'CIRCUIT_OPEN', 'UPSTREAM_ERROR', 'UPSTREAM_RATE_LIMITED']);

export interface Problems {
  /** Systems whose values are missing because they failed, each with the first message. */
  unavailable: Map<string, string>;
  /** Fields refused to this token (`Order.shipments`). */
  denied: Set<string>;
  /** Anything else, by message. */
  other: Set<string>;
}

export function problemsOf(errors: readonly AnswerError[]): Problems {
  const problems: Problems = { unavailable: new Map(), denied: new Set(), other: new Set() };
  for (const error of errors) {
    const code = error.extensions?.code ?? '';
    const system = error.extensions?.system ?? error.extensions?.subgraph;
    if (UNAVAILABLE_CODES.has(code) && system) {
      if (!problems.unavailable.has(system)) problems.unavailable.set(system, `${code}: ${error.message}`);
    } else if (code === 'UNAUTHORIZED_FIELD_OR_TYPE') {
      problems.denied.add(error.extensions?.coordinate ?? error.message);
    } else {
      problems.other.add(code ? `${code}: ${error.message}` : error.message);
    }
  }
  return problems;
}

/** The systems a figure cannot be computed without, missing from this answer (failed, or refused to the token). */
export function missingSystems(problems: Problems, systemOfCoordinate: (coordinate: string) => string | undefined): Set<string> {
  const missing = new Set(problems.unavailable.keys());
  for (const coordinate of problems.denied) {
    const system = systemOfCoordinate(coordinate);
    if (system) missing.add(system);
  }
  return missing;
}

export interface AsOf {
  system: string;
  /** The oldest value's fetch time from that system (ISO 8601). */
  fetchedAt: string;
  /** Some values came from a subgraph's cache, or were served stale because the system failed. */
  fromCache: boolean;
  staleIfError: boolean;
}

/** One line per system: the oldest fetch time over every source entry of that system. */
export function asOfBySystem(sources: readonly Source[]): AsOf[] {
  const bySystem = new Map<string, AsOf>();
  for (const source of sources) {
    const known = bySystem.get(source.system);
    if (!known) {
      bySystem.set(source.system, { system: source.system, fetchedAt: source.fetchedAt, fromCache: source.fromCache, staleIfError: source.staleIfError });
      continue;
    }
    if (source.fetchedAt < known.fetchedAt) known.fetchedAt = source.fetchedAt;
    known.fromCache ||= source.fromCache;
    known.staleIfError ||= source.staleIfError;
  }
  return [...bySystem.values()].sort((a, b) => a.system.localeCompare(b.system));
}

/** `2026-12-06 07:21:03 UTC`: the same text for every reader, whatever the browser's time zone. */
export function utcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
