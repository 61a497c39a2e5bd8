import { describe, expect, it } from 'vitest';
import { observabilityVariant, variantSettings, workloadsFor } from './variants.js';

describe('observability variants', () => {
  const selected = [{ id: 'a' as const }, { id: 'b' as const }, { id: 'd' as const }];

  it('run on their own workloads out of those selected; every other gateway runs on all of them', () => {
    expect(workloadsFor('bizgraph-quiet', selected)).toEqual([{ id: 'a' }, { id: 'd' }]);
    expect(workloadsFor('bizgraph-no-metrics', selected)).toEqual([{ id: 'a' }]);
    expect(workloadsFor('bizgraph-spans', [{ id: 'b' as const }])).toEqual([]);
    expect(workloadsFor('bizgraph', selected)).toEqual(selected);
  });

  it('name the settings they change, the sink standing in for its per-run port', () => {
    expect(variantSettings(observabilityVariant('bizgraph-quiet'))).toEqual(['REQUEST_LOG=off', 'METRICS=off', 'AUDIT_LOG=off', 'USAGE_LOG=off']);
    expect(variantSettings(observabilityVariant('bizgraph-spans-sampled'))).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT=<bench sink>',
      'OTEL_TRACES_SAMPLER=parentbased_traceidratio',
      'OTEL_TRACES_SAMPLER_ARG=0.1',
    ]);
  });
});
