import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { ConfigError } from '../../../common/config.js';
import { readProcessSlos, readProcessSlosConfig } from './slo.js';

const dir = mkdtempSync(join(tmpdir(), 'bizgraph-slo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (yaml: string) => {
  const path = join(dir, `owners-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return path;
};
const owners = (billing = 'invoice: { expectedWithin: PT10M }\n      payment: { expectedWithin: P3D }') => /* YAML */ `
subgraphs:
  erp:
    processSteps:
      delivery: { expectedWithin: P5D }
  billing:
    processSteps:
      ${billing}
  logistics:
    processSteps:
      shipment: { expectedWithin: PT30M }
`;

describe('parseDuration', () => {
  it.each([
    ['PT10M', 600_000],
    ['P3D', 259_200_000],
    ['P1DT12H', 129_600_000],
    ['PT0.5S', 500],
    ['PT0S', 0],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['P', 'PT', 'P1Y', '10m', 'PT-1S', ''])('refuses %j', (text) => expect(parseDuration(text)).toBeNull());
});

describe('readProcessSlos', () => {
  it('reads every step from its owning subgraph, in milliseconds', () => {
    expect(readProcessSlos({ path: file(owners()), env: {} })).toEqual({ invoice: 600_000, shipment: 1_800_000, delivery: 432_000_000, payment: 259_200_000 });
  });

  it('reads the committed owners file', () => {
    expect(Object.keys(readProcessSlos({ env: {} })).sort()).toEqual(['delivery', 'invoice', 'payment', 'shipment']);
  });

  it('names the key of a missing or malformed step', () => {
    const path = file(owners('invoice: { expectedWithin: 10 minutes }\n      payment: { expectedWithin: P3D }'));
    expect(() => readProcessSlos({ path, env: {} })).toThrow(
      `${path}: subgraphs.billing.processSteps.invoice.expectedWithin must be an ISO-8601 duration such as PT10M or P3D (got "10 minutes")`,
    );
    expect(() => readProcessSlos({ path: file(owners('payment: { expectedWithin: P3D }')), env: {} })).toThrow(
      /subgraphs\.billing\.processSteps\.invoice\.expectedWithin .*\(got null\)$/,
    );
  });

  it('refuses a step under a subgraph that does not answer for it', () => {
    const path = file(owners('invoice: { expectedWithin: PT10M }\n      payment: { expectedWithin: P3D }\n      shipment: { expectedWithin: PT1M }'));
    expect(() => readProcessSlos({ path, env: {} })).toThrow(/subgraphs\.billing\.processSteps\.shipment is not a step billing answers for/);
  });

  it('applies PROCESS_SLO_OVERRIDES and names the variable when it is malformed', () => {
    const path = file(owners());
    expect(readProcessSlos({ path, env: { PROCESS_SLO_OVERRIDES: 'shipment=PT2S, invoice=PT1S' } })).toMatchObject({ shipment: 2000, invoice: 1000, payment: 259_200_000 });
    expect(() => readProcessSlos({ path, env: { PROCESS_SLO_OVERRIDES: 'shipping=PT2S' } })).toThrow(/^PROCESS_SLO_OVERRIDES: "shipping=PT2S" must be <step>=<ISO-8601 duration>/);
  });

  it('stops a subgraph’s config on a bad override with a ConfigError naming the variable', () => {
    expect(() => readProcessSlosConfig({ PROCESS_SLO_OVERRIDES: 'shipment=soon' })).toThrow(ConfigError);
    expect(() => readProcessSlosConfig({ PROCESS_SLO_OVERRIDES: 'shipment=soon' })).toThrow(/^PROCESS_SLO_OVERRIDES: "shipment=soon" must be/);
    expect(readProcessSlosConfig({ PROCESS_SLO_OVERRIDES: 'shipment=PT3S' }).shipment).toBe(3000);
  });
});
