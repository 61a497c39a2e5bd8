import type { Comparison, ObservabilityCost, RunFigures, UpstreamPerRequest, WorkloadId } from './types.js';
import { OBSERVABILITY_VARIANT_IDS } from './variants.js';

/** Pure arithmetic of the benchmark: per-request figures, ratios against the baseline, soak verdict. */

/** Raw upstream counters at one instant: stand-in HTTP requests and SQL statements. */
export interface UpstreamCounts {
  crm: number;
  support: number;
  erp: number;
  billing: number;
}

/** Sum of a stand-in's `/_stats` byRoute, without the `/_stats` control routes themselves. */
export function sumRoutes(byRoute: Record<string, number>): number {
  return Object.entries(byRoute).reduce((sum, [route, count]) => (route.includes('/_stats') ? sum : sum + count), 0);
}

export function upstreamPerRequest(before: UpstreamCounts, after: UpstreamCounts, requests: number): UpstreamPerRequest {
  const per = (key: keyof UpstreamCounts) => (requests > 0 ? (after[key] - before[key]) / requests : 0);
  const figures = { crm: per('crm'), support: per('support'), erp: per('erp'), billing: per('billing') };
  return { ...figures, total: figures.crm + figures.support + figures.erp + figures.billing };
}

export function cpuMsPerRequest(cpuMsBefore: number | undefined, cpuMsAfter: number | undefined, requests: number): number | null {
  if (cpuMsBefore === undefined || cpuMsAfter === undefined || requests <= 0) return null;
  return (cpuMsAfter - cpuMsBefore) / requests;
}

/** a ÷ b, or null when either is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The run that stands for a gateway on a workload: its only one, or, measured in rounds, the
 * round with the median CPU per request (the lower of the two middle ones for an even count).
 */
export function representativeRun(runs: readonly RunFigures[], gateway: RunFigures['gateway'], workload: WorkloadId): RunFigures | undefined {
  const measured = runs.filter((run) => run.gateway === gateway && run.workload === workload && run.ok);
  if (measured.length <= 1) return measured[0];
  const byCpu = [...measured].sort((a, b) => (a.cpuMsPerRequest ?? Infinity) - (b.cpuMsPerRequest ?? Infinity));
  return byCpu[Math.floor((byCpu.length - 1) / 2)];
}

/** The bizgraph and plain runs of each round both were measured in, in round order. */
function pairedRounds(runs: readonly RunFigures[], workload: WorkloadId): { ours: RunFigures; plain: RunFigures }[] {
  const inRound = (gateway: RunFigures['gateway'], round: number) => runs.find((run) => run.gateway === gateway && run.workload === workload && run.round === round && run.ok);
  const rounds = [...new Set(runs.filter((run) => run.workload === workload && run.round !== undefined).map((run) => run.round!))].sort((a, b) => a - b);
  return rounds.flatMap((round) => {
    const ours = inRound('bizgraph', round);
    const plain = inRound('plain', round);
    return ours && plain ? [{ ours, plain }] : [];
  });
}

/** `figure` of bizgraph ÷ plain in each paired round, in round order. */
function pairedRatios(pairs: readonly { ours: RunFigures; plain: RunFigures }[], figure: (run: RunFigures) => number | null): number[] {
  return pairs.map(({ ours, plain }) => ratio(figure(ours), figure(plain))).filter((value) => value !== null);
}

/**
 * bizgraph (caches off) against plain Apollo Gateway, per workload both were measured on. Measured
 * in alternating rounds, the CPU and req/s ratios are the medians of each round's own ratio, and
 * p99 is each gateway's median over its rounds, with the rounds in which bizgraph's was lower: the
 * two runs of a round are seconds apart, so a machine that slows down for a minute moves both, not
 * one (comparing one gateway's median-CPU round with another's mixed rounds).
 */
export function compareWithPlain(runs: readonly RunFigures[], workloads: readonly WorkloadId[]): Comparison[] {
  return workloads.map((workload) => {
    const ours = representativeRun(runs, 'bizgraph', workload);
    const plain = representativeRun(runs, 'plain', workload);
    const floor = representativeRun(runs, 'floor', workload);
    const withApolloExecutor = representativeRun(runs, 'bizgraph-apollo', workload);
    const pairs = pairedRounds(runs, workload);
    const cpuRounds = pairedRatios(pairs, (run) => run.cpuMsPerRequest);
    const reqPerSecRounds = pairedRatios(pairs, (run) => run.reqPerSec);
    return {
      workload,
      cpuRatio: cpuRounds.length > 0 ? median(cpuRounds) : ratio(ours?.cpuMsPerRequest, plain?.cpuMsPerRequest),
      ...(cpuRounds.length > 1 ? { cpuRatioRounds: cpuRounds } : {}),
      floorCpuRatio: ratio(ours?.cpuMsPerRequest, floor?.cpuMsPerRequest),
      executorCpuRatio: ratio(ours?.cpuMsPerRequest, withApolloExecutor?.cpuMsPerRequest),
      reqPerSecRatio: reqPerSecRounds.length > 0 ? median(reqPerSecRounds) : ratio(ours?.reqPerSec, plain?.reqPerSec),
      ...(reqPerSecRounds.length > 1 ? { reqPerSecRatioRounds: reqPerSecRounds } : {}),
      p99Ms: pairs.length > 1 ? pairedP99(pairs) : ours && plain ? { bizgraph: ours.p99Ms, plain: plain.p99Ms } : null,
    };
  });
}

function pairedP99(pairs: readonly { ours: RunFigures; plain: RunFigures }[]): NonNullable<Comparison['p99Ms']> {
  return {
    bizgraph: median(pairs.map(({ ours }) => ours.p99Ms))!,
    plain: median(pairs.map(({ plain }) => plain.p99Ms))!,
    lowerInRounds: pairs.filter(({ ours, plain }) => ours.p99Ms < plain.p99Ms).length,
    rounds: pairs.length,
  };
}

export function warmSpeedup(runs: readonly RunFigures[], workload: WorkloadId): number | null {
  return ratio(representativeRun(runs, 'bizgraph-warm', workload)?.reqPerSec, representativeRun(runs, 'bizgraph', workload)?.reqPerSec);
}

/**
 * Each observability variant's CPU per request against bizgraph's (production defaults) on the same
 * workload, led by the defaults' own row; only workloads a variant ran on have rows.
 */
export function observabilityCosts(runs: readonly RunFigures[], workloads: readonly WorkloadId[]): ObservabilityCost[] {
  return workloads.flatMap((workload) => {
    const variants = OBSERVABILITY_VARIANT_IDS.filter((id) => runs.some((run) => run.gateway === id && run.workload === workload));
    if (variants.length === 0) return [];
    const defaults = representativeRun(runs, 'bizgraph', workload)?.cpuMsPerRequest ?? null;
    const cost = (gateway: ObservabilityCost['gateway']): ObservabilityCost => {
      const cpuMsPerRequest = representativeRun(runs, gateway, workload)?.cpuMsPerRequest ?? null;
      return { gateway, workload, cpuMsPerRequest, vsDefaults: ratio(cpuMsPerRequest, defaults) };
    };
    return [cost('bizgraph'), ...variants.map(cost)];
  });
}

export interface SoakSample {
  /** Seconds since the soak started. */
  atSeconds: number;
  rssMb: number;
  /** Requests completed per second over the interval that ended here. */
  reqPerSec: number;
}

export interface SoakVerdict {
  firstThirdMeanMb: number;
  lastThirdMeanMb: number;
  /** (last − first) ÷ first, in percent. */
  growthPercent: number;
  /** Growth at most `FLAT_GROWTH_PERCENT`. */
  flat: boolean;
  peakMb: number;
  /** Peak below the 200 MB target. */
  under200Mb: boolean;
}

/** RSS may wobble with GC; more than this much growth from the first to the last third is a trend. */
export const FLAT_GROWTH_PERCENT = 10;

export function soakVerdict(samples: readonly SoakSample[]): SoakVerdict | null {
  if (samples.length === 0) return null;
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (list: readonly SoakSample[]) => list.reduce((sum, sample) => sum + sample.rssMb, 0) / list.length;
  const first = mean(samples.slice(0, third));
  const last = mean(samples.slice(-third));
  const growthPercent = ((last - first) / first) * 100;
  const peakMb = Math.max(...samples.map((sample) => sample.rssMb));
  return { firstThirdMeanMb: first, lastThirdMeanMb: last, growthPercent, flat: growthPercent <= FLAT_GROWTH_PERCENT, peakMb, under200Mb: peakMb < 200 };
}

export const MB = 1024 * 1024;
