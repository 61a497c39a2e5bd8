import type { GatewayId, ObservabilityVariantId, WorkloadId } from './types.js';

/**
 * bizgraph gateways that each switch one observability part, measured in the same run as `bizgraph`
 * (production defaults: the request line at info, metrics, the audit trail in a file, the usage log,
 * trace ids without span export) so the tables can say what each part costs. Same entry, executor,
 * caches-off subgraphs and production env as `bizgraph`; only `env` differs.
 */
export interface ObservabilityVariant {
  id: ObservabilityVariantId;
  /** What it switches, as the tables say it. */
  label: string;
  /** Set over the env `bizgraph` runs with. */
  env: Record<string, string>;
  /** Spans go to an OTLP sink of its own (bench/otlp-sink.ts), whose URL becomes OTEL_EXPORTER_OTLP_ENDPOINT at start. */
  exportsSpans: boolean;
  /**
   * Where it runs: (a), whose fixed per-request costs show most; the all-off and span variants on the
   * deep (d) as well, whose nine subgraph fetches per request multiply the per-fetch costs.
   */
  workloads: readonly WorkloadId[];
}

const REQUEST_LOG_OFF = { REQUEST_LOG: 'off' };
const METRICS_OFF = { METRICS: 'off' };
const AUDIT_OFF = { AUDIT_LOG: 'off' };
const USAGE_LOG_OFF = { USAGE_LOG: 'off' };

export const OBSERVABILITY_VARIANTS: readonly ObservabilityVariant[] = [
  { id: 'bizgraph-no-request-log', label: 'request log off', env: REQUEST_LOG_OFF, exportsSpans: false, workloads: ['a'] },
  { id: 'bizgraph-no-metrics', label: 'metrics off', env: METRICS_OFF, exportsSpans: false, workloads: ['a'] },
  { id: 'bizgraph-no-audit', label: 'audit trail off', env: AUDIT_OFF, exportsSpans: false, workloads: ['a'] },
  { id: 'bizgraph-no-usage-log', label: 'usage log off', env: USAGE_LOG_OFF, exportsSpans: false, workloads: ['a'] },
  { id: 'bizgraph-quiet', label: 'all four off', env: { ...REQUEST_LOG_OFF, ...METRICS_OFF, ...AUDIT_OFF, ...USAGE_LOG_OFF }, exportsSpans: false, workloads: ['a', 'd'] },
  // The SDK's default sampler: every request's spans are recorded and exported.
  { id: 'bizgraph-spans', label: 'spans exported', env: {}, exportsSpans: true, workloads: ['a', 'd'] },
  {
    id: 'bizgraph-spans-sampled',
    label: 'spans exported, 10 % sampled',
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
    exportsSpans: true,
    workloads: ['a'],
  },
  // The defaults again, in a gateway process of their own and measured last: how far one run of
  // identical settings lands from another here, the yardstick for every ratio above it.
  { id: 'bizgraph-defaults-again', label: 'production defaults, measured again', env: {}, exportsSpans: false, workloads: ['a', 'd'] },
];

export const OBSERVABILITY_VARIANT_IDS: readonly ObservabilityVariantId[] = OBSERVABILITY_VARIANTS.map((variant) => variant.id);

export function isObservabilityVariant(id: GatewayId): id is ObservabilityVariantId {
  return (OBSERVABILITY_VARIANT_IDS as readonly GatewayId[]).includes(id);
}

export function observabilityVariant(id: ObservabilityVariantId): ObservabilityVariant {
  return OBSERVABILITY_VARIANTS.find((variant) => variant.id === id)!;
}

/** The settings a variant changes, as written in the results and the README (the sink's port differs per run, so it is not given). */
export function variantSettings(variant: ObservabilityVariant): string[] {
  return [...(variant.exportsSpans ? ['OTEL_EXPORTER_OTLP_ENDPOINT=<bench sink>'] : []), ...Object.entries(variant.env).map(([name, value]) => `${name}=${value}`)];
}

/** The workloads a gateway runs on, out of those selected: every one, except for a variant. */
export function workloadsFor<W extends { id: WorkloadId }>(gateway: GatewayId, selected: readonly W[]): W[] {
  if (!isObservabilityVariant(gateway)) return [...selected];
  const own = observabilityVariant(gateway).workloads;
  return selected.filter((workload) => own.includes(workload.id));
}
