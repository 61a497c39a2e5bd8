import autocannon from 'autocannon';
import { request } from 'undici';
import { readCpuMs, sampleRss } from './proc.js';
import { cpuMsPerRequest, MB, upstreamPerRequest, type UpstreamCounts } from './stats.js';
import type { GatewayId, RunFigures, SpanExports } from './types.js';
import { answerHasErrors, checkAnswer, type Workload } from './workloads.js';

/** One gateway under load: its endpoint, its process (for /proc) and the counters of its upstreams. */
export interface Target {
  gateway: GatewayId;
  url: string;
  pid: number;
  readCounts(): Promise<UpstreamCounts>;
  /** The counters of the gateway's OTLP sink, for a gateway that exports spans: a run none reached is a failed run. */
  readSpanExports?(): Promise<SpanExports>;
}

/** How the load is offered: closed-loop on so many connections, or at a fixed total rate across them (`--rate`). */
export interface Pace {
  connections: number;
  /** Requests per second offered in all, whatever the answers' speed; absent: each connection sends as soon as it is answered. */
  ratePerSecond?: number;
}

export interface LoadSettings extends Pace {
  warmupSeconds: number;
  durationSeconds: number;
}

/** Runs autocannon with the workload's request; `onResponse` sees every completed response's status. */
export function load(
  target: Pick<Target, 'url'>,
  workload: Workload,
  token: string,
  pace: Pace,
  seconds: number,
  onResponse?: (status: number) => void,
): { result: Promise<autocannon.Result>; stop(): void } {
  let instance: autocannon.Instance | undefined;
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        connections: pace.connections,
        ...(pace.ratePerSecond ? { overallRate: pace.ratePerSecond } : {}),
        duration: seconds,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: workload.query }),
        // Counted as `mismatches`: 2xx answers that carry GraphQL errors.
        verifyBody: (body) => !answerHasErrors(String(body)),
      },
      (error, outcome) => (error ? reject(error as Error) : resolve(outcome)),
    );
    if (onResponse) instance.on('response', (_client, status) => onResponse(status));
  });
  return { result, stop: () => (instance as unknown as { stop(): void } | undefined)?.stop() };
}

/** One POST of a GraphQL operation, answered as status + raw text (the workload check parses it). */
export async function postGraphQL(url: string, query: string, token: string): Promise<{ status: number; text: string }> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

/** Checks the workload's answer once; a wrong answer means the gateway is not measured on it. */
export async function verify(target: Pick<Target, 'url'>, workload: Workload, token: string): Promise<string | undefined> {
  try {
    const { status, text } = await postGraphQL(target.url, workload.query, token);
    return checkAnswer(workload, status, text);
  } catch (error) {
    return `request failed: ${(error as Error).message}`;
  }
}

/**
 * Verify, warm up, then measure: CPU ticks and upstream counters are read before and after the
 * measured run, each time once the servers are idle, and RSS is sampled every 250 ms during it.
 */
export async function measure(target: Target, workload: Workload, token: string, settings: LoadSettings): Promise<RunFigures> {
  const failure = await verify(target, workload, token);
  if (failure) return failed(target.gateway, workload, failure);
  if (settings.warmupSeconds > 0) await load(target, workload, token, settings, settings.warmupSeconds).result;

  // autocannon abandons the requests in flight when it stops; the servers still finish them.
  // Counting starts once they have, or their upstream calls would land in this run's figures.
  const countsBefore = await settle(target.readCounts);
  const exportsBefore = await target.readSpanExports?.();
  const cpuBefore = readCpuMs(target.pid);
  const rss = sampleRss(target.pid);
  let result: autocannon.Result;
  try {
    result = await load(target, workload, token, settings, settings.durationSeconds).result;
  } catch (error) {
    rss.stop();
    throw error;
  }
  const peak = rss.stop();
  // The requests still in flight when autocannon stops are finished by the servers too: wait for
  // them, and divide the CPU and upstream work by every request sent, not only those answered in time.
  const countsAfter = await settle(target.readCounts);
  const cpuAfter = readCpuMs(target.pid);
  const spanExports = target.readSpanExports && exportsBefore ? await exportsSince(target.readSpanExports, exportsBefore) : undefined;

  const requests = result.requests.total;
  const sent = Math.max(result.requests.sent, requests);
  if (requests === 0) return failed(target.gateway, workload, `no request completed within ${settings.durationSeconds} s`);
  // The sink stands in for a collector: unless spans reached it, the run priced nothing.
  if (spanExports?.requests === 0) return failed(target.gateway, workload, `no span export reached the OTLP sink within ${EXPORT_WAIT_MS / 1000} s of the run's end`);
  return {
    gateway: target.gateway,
    workload: workload.id,
    ok: true,
    requests,
    sent,
    seconds: result.duration,
    reqPerSec: result.duration > 0 ? requests / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMsPerRequest: cpuMsPerRequest(cpuBefore, cpuAfter, sent),
    peakRssMb: peak.peakBytes === undefined ? null : peak.peakBytes / MB,
    upstreamPerRequest: upstreamPerRequest(countsBefore, countsAfter, sent),
    errors: { non2xx: result.non2xx, graphqlErrors: result.mismatches, transport: result.errors },
    ...(spanExports ? { spanExports } : {}),
  };
}

/** The BatchSpanProcessor exports every 5 s (or sooner, when 512 spans are queued): a run's last spans may follow its end by that long. */
const EXPORT_WAIT_MS = 6000;

/**
 * Exports since `before`: read once the run has settled (its CPU already read), and again every
 * 250 ms up to EXPORT_WAIT_MS while none has arrived, so a run short enough to fit between two
 * scheduled exports still shows its own.
 */
async function exportsSince(read: () => Promise<SpanExports>, before: SpanExports): Promise<SpanExports> {
  const deadline = Date.now() + EXPORT_WAIT_MS;
  for (;;) {
    const now = await read();
    const since = { requests: now.requests - before.requests, bytes: now.bytes - before.bytes };
    if (since.requests > 0 || Date.now() >= deadline) return since;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function failed(gateway: GatewayId, workload: Workload, failure: string): RunFigures {
  return {
    gateway,
    workload: workload.id,
    ok: false,
    failure,
    requests: 0,
    sent: 0,
    seconds: 0,
    reqPerSec: 0,
    p50Ms: 0,
    p99Ms: 0,
    cpuMsPerRequest: null,
    peakRssMb: null,
    upstreamPerRequest: null,
    errors: { non2xx: 0, graphqlErrors: 0, transport: 0 },
  };
}

/** Reads the counters until two reads 250 ms apart agree (at most ~15 s), and returns the last read. */
export async function settle<T>(read: () => Promise<T>, everyMs = 250, maxReads = 60): Promise<T> {
  let previous = JSON.stringify(await read());
  for (let i = 0; i < maxReads; i++) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    const current = await read();
    const text = JSON.stringify(current);
    if (text === previous) return current;
    previous = text;
  }
  return read();
}
