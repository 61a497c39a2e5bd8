import type { BenchArgs } from './args.js';
import { load, verify } from './measure.js';
import { readRssBytes, sampleRss } from './proc.js';
import { describeCommit, describeMachine, fileStamp, writeJson } from './results.js';
import { GATEWAY_CORE, log, measureOn, OTHERS_CORE, SEED, type Session } from './setup.js';
import { FLAT_GROWTH_PERCENT, MB, soakVerdict, type SoakSample } from './stats.js';
import { formatErrors, markdownTable } from './table.js';
import { workloadById } from './workloads.js';

/**
 * `npm run bench -- --soak [--minutes N] [--interval S]`: workload (b) at 50 connections on bizgraph
 * (caches off) for N minutes, reporting the gateway's RSS every interval, then a verdict on
 * whether memory stayed flat (mean of the last third of samples against the first third).
 */
export async function runSoak(args: BenchArgs, session: Session): Promise<number> {
  const workload = workloadById('b');
  const target = session.target('bizgraph');
  return measureOn(session, 'bizgraph', async () => {
    const failure = await verify(target, workload, session.token);
    if (failure) {
      log(`bizgraph failed the answer check on (b), not soaking: ${failure}`);
      return 1;
    }
    if (args.warmupSeconds > 0) await load(target, workload, session.token, { connections: args.connections }, args.warmupSeconds).result;
    log(`soaking: ${workload.label} at ${args.connections} connections for ${args.minutes} min, RSS every ${args.intervalSeconds} s`);

    const samples: SoakSample[] = [];
    let completed = 0;
    const started = Date.now();
    const peak = sampleRss(target.pid);
    const run = load(target, workload, session.token, { connections: args.connections }, args.minutes * 60, () => completed++);
    const timer = setInterval(() => {
      const rss = readRssBytes(target.pid);
      if (rss === undefined) return;
      const sample = { atSeconds: Math.round((Date.now() - started) / 1000), rssMb: rss / MB, reqPerSec: completed / args.intervalSeconds };
      completed = 0;
      samples.push(sample);
      log(`  ${formatClock(sample.atSeconds)}  RSS ${sample.rssMb.toFixed(0)} MB  ${sample.reqPerSec.toFixed(0)} req/s`);
    }, args.intervalSeconds * 1000);
    let result;
    try {
      result = await run.result;
    } finally {
      clearInterval(timer);
    }
    const peakBytes = peak.stop().peakBytes;
    const verdict = soakVerdict(samples);

    console.log(
      `\n${markdownTable(
        ['time', 'gateway RSS MB', 'req/s'],
        samples.map((s) => [formatClock(s.atSeconds), s.rssMb.toFixed(0), s.reqPerSec.toFixed(0)]),
        [false, true, true],
      )}\n`,
    );
    const errors = { non2xx: result.non2xx, graphqlErrors: result.mismatches, transport: result.errors };
    const peakMb = peakBytes === undefined ? null : peakBytes / MB;
    console.log(
      verdict
        ? `RSS first third ${verdict.firstThirdMeanMb.toFixed(0)} MB → last third ${verdict.lastThirdMeanMb.toFixed(0)} MB ` +
            `(${verdict.growthPercent >= 0 ? '+' : ''}${verdict.growthPercent.toFixed(1)} %): ${verdict.flat ? 'flat' : `GROWING (more than ${FLAT_GROWTH_PERCENT} %)`}; ` +
            `peak ${peakMb?.toFixed(0) ?? '?'} MB (sampled every 250 ms) ${peakMb !== null && peakMb < 200 ? '< 200 MB ✓' : '≥ 200 MB ✗'}; ` +
            `${result.requests.total} requests, p99 ${result.latency.p99.toFixed(1)} ms, errors ${formatErrors(errors)}`
        : 'no RSS sample was taken (the soak was shorter than one interval)',
    );
    const file = writeJson(`soak-${fileStamp(session.startedAt)}.json`, {
      format: 'bizgraph-soak/1',
      startedAt: session.startedAt,
      finishedAt: new Date().toISOString(),
      machine: describeMachine(),
      commit: describeCommit(),
      seed: SEED,
      settings: {
        connections: args.connections,
        minutes: args.minutes,
        intervalSeconds: args.intervalSeconds,
        warmupSeconds: args.warmupSeconds,
        gatewayCore: GATEWAY_CORE,
        othersCore: OTHERS_CORE,
        pinning: session.pinning.log,
      },
      gateway: 'bizgraph',
      cache: { entityCache: 'off', responseCache: 'off' },
      workload: { id: workload.id, label: workload.label, query: workload.query.replace(/\s+/g, ' ') },
      requests: result.requests.total,
      reqPerSec: result.duration > 0 ? result.requests.total / result.duration : 0,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors,
      peakRssMb: peakMb,
      samples,
      verdict,
    });
    log(`wrote ${file}`);
    return 0;
  });
}

export function formatClock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
}
