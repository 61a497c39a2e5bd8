/** The shape of `bench/results/*.json`: the one source of the README's table. */

/**
 * `bizgraph-apollo`: bizgraph with `GATEWAY_EXECUTOR=apollo` (what our own executor is measured against);
 * `floor`: a raw node:http server answering the bytes bizgraph answered (no GraphQL work at all);
 * the observability variants: bizgraph with one observability part switched (bench/variants.ts).
 */
export type GatewayId = 'bizgraph' | 'bizgraph-apollo' | 'bizgraph-warm' | 'plain' | 'floor' | ObservabilityVariantId;

/** bizgraph (caches off, production defaults) with one observability part off, all of them off, or spans exported. */
export type ObservabilityVariantId =
  | 'bizgraph-no-request-log'
  | 'bizgraph-no-metrics'
  | 'bizgraph-no-audit'
  | 'bizgraph-no-usage-log'
  | 'bizgraph-quiet'
  | 'bizgraph-spans'
  | 'bizgraph-spans-sampled'
  | 'bizgraph-defaults-again';
export type WorkloadId = 'a' | 'b' | 'c' | 'd';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
}

export interface Commit {
  sha: string;
  dirty: boolean;
}

export interface GatewayInfo {
  id: GatewayId;
  label: string;
  /** Cache state as configured: the subgraphs' ENTITY_CACHE and the gateway's RESPONSE_CACHE. */
  entityCache: 'on' | 'off';
  responseCache: 'on' | 'off' | 'none';
  warmed: boolean;
  /** Spawn to listening, from the compiled build (results before that change have none). */
  startupMs?: number;
  /** An observability variant's settings over bizgraph's production env, e.g. `METRICS=off` (absent for the other gateways). */
  settings?: string[];
}

export interface WorkloadInfo {
  id: WorkloadId;
  label: string;
  query: string;
}

/** Upstream work per gateway request, counted where it lands. */
export interface UpstreamPerRequest {
  crm: number;
  support: number;
  erp: number;
  billing: number;
  total: number;
}

export interface RunErrors {
  /** HTTP status outside 2xx. */
  non2xx: number;
  /** 2xx answers whose body carries GraphQL `errors`. */
  graphqlErrors: number;
  /** Connection errors and timeouts seen by autocannon (its `errors`, which include timeouts). */
  transport: number;
}

export interface RunFigures {
  gateway: GatewayId;
  workload: WorkloadId;
  /** False when the answer check failed: no figures were measured. */
  ok: boolean;
  failure?: string;
  /** Requests answered within the run (req/s and latency are over these). */
  requests: number;
  /** Requests sent, including those still in flight at the end: CPU and upstream figures are per sent request. */
  sent: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Gateway utime + stime over the run, per sent request; null when /proc was unreadable. */
  cpuMsPerRequest: number | null;
  peakRssMb: number | null;
  upstreamPerRequest: UpstreamPerRequest | null;
  errors: RunErrors;
  /** What reached the gateway's OTLP sink from the start of the measured run until it settled; only for gateways that export spans. */
  spanExports?: SpanExports;
  /** The headline pair's round (0-based), when plain and bizgraph were measured in alternating rounds (absent in older results and for the other gateways). */
  round?: number;
}

/** OTLP/HTTP trace exports counted by the benchmark's sink (bench/otlp-sink.ts). */
export interface SpanExports {
  /** POST /v1/traces requests (each one batch of the gateway's BatchSpanProcessor). */
  requests: number;
  /** Their bodies' bytes as sent. */
  bytes: number;
}

/** One row of what observability costs: a gateway's CPU per request against bizgraph's production defaults on the same workload. */
export interface ObservabilityCost {
  /** `bizgraph` itself is the defaults' row (vsDefaults 1). */
  gateway: 'bizgraph' | ObservabilityVariantId;
  workload: WorkloadId;
  cpuMsPerRequest: number | null;
  /** CPU/req ÷ bizgraph's CPU/req: below 1, switching the part off saves that share; above 1, the switch costs it. */
  vsDefaults: number | null;
}

export interface Comparison {
  workload: WorkloadId;
  /** bizgraph (caches off) ÷ plain: the target is ≤ 0.25 (issue 13). With rounds, the median of the rounds' ratios. */
  cpuRatio: number | null;
  /** Each round's bizgraph ÷ plain CPU per request, paired within the round, in round order (only with two rounds or more). */
  cpuRatioRounds?: number[];
  /** bizgraph (caches off) ÷ the raw floor: how far from serving the same bytes with no work (absent in older results). */
  floorCpuRatio?: number | null;
  /** bizgraph ÷ bizgraph with `GATEWAY_EXECUTOR=apollo`: what our executor saves in the same gateway (absent in older results). */
  executorCpuRatio?: number | null;
  /** bizgraph (caches off) ÷ plain: the target is ≥ 2. Measured in rounds, the median of each round's own ratio. */
  reqPerSecRatio: number | null;
  /** Each round's bizgraph ÷ plain req/s, in round order (only with two rounds or more; absent in older results). */
  reqPerSecRatioRounds?: number[];
  /**
   * Measured in rounds: the median of each gateway's rounds' p99, and in how many of the rounds
   * bizgraph's p99 was the lower (older results: each gateway's median-CPU round, no counts).
   */
  p99Ms: { bizgraph: number; plain: number; lowerInRounds?: number; rounds?: number } | null;
}

export interface BenchSettings {
  connections: number;
  /** `--rate`: the requests per second every gateway was offered in all (absent: closed loop, as fast as answered). */
  ratePerSecond?: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Rounds of the headline pair, plain and bizgraph, measured in alternation (absent in older results: one run each). */
  rounds?: number;
  /** Process the gateway under test runs on, and where everything else runs. */
  gatewayCore: number;
  othersCore: number;
  pinning: { available: boolean; failures: string[] };
  /** CRM stand-in rate limit: raised so the bench measures gateways, not the stand-in's 429s. */
  crmRateLimitPerSecond: number;
  /** One value for every process in results before the gateways ran in production. */
  nodeEnv: string | { gateways: string; others: string };
  /** Node flags the bizgraph gateways ran with (`--bizgraph-node-options`), when any. */
  bizgraphNodeOptions?: string[];
  /**
   * `replayed` (`--replayed`): every subgraph fetch was answered from memory by bench/replay-subgraph.ts,
   * so the gateway's core set the pace. Absent: the gateways called the real subgraphs.
   */
  subgraphs?: 'replayed';
}

export interface BenchResults {
  format: 'bizgraph-bench/1';
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  commit: Commit;
  seed: { seed: number; scale: number };
  settings: BenchSettings;
  gateways: GatewayInfo[];
  workloads: WorkloadInfo[];
  runs: RunFigures[];
  comparisons: Comparison[];
  /** bizgraph warm ÷ bizgraph caches off on workload (b): the target is ≥ 5. */
  warmSpeedupOnB: number | null;
  /** Per workload the observability variants ran on: the defaults' row, then each variant (absent in older results). */
  observability?: ObservabilityCost[];
}
