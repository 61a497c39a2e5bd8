import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scrape } from './helpers/metrics.js';
import { promtoolAvailable } from './helpers/services.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { SUBGRAPH_NAMES } from './helpers/stack.js';

/**
 * The alerting rules shipped in deploy/prometheus: Prometheus's own tool checks them and runs their
 * unit tests (every alert must have a firing case there), and every metric and label they name is
 * one a running gateway or subgraph exports, so a renamed metric cannot silence an alert.
 */
const DIR = join(import.meta.dirname, '..', 'deploy', 'prometheus');
const promtool = promtoolAvailable();

interface Rule {
  alert: string;
  expr: string;
}
interface AlertTest {
  input_series: Array<{ series: string }>;
  alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }>;
}

const rules: Rule[] = (parse(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const unitTests: AlertTest[] = (parse(readFileSync(join(DIR, 'alerts.test.yml'), 'utf8')) as { tests: AlertTest[] }).tests;

const run = (...args: string[]) => spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8' });

describe.skipIf(!promtool)('promtool', () => {
  it('accepts prometheus.yml and the rule file it loads', () => {
    const result = run('check', 'config', 'prometheus.yml');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('passes the unit tests of every alert', () => {
    const result = run('test', 'rules', 'alerts.test.yml');
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});

describe('the alerting rules', () => {
  it('each have a unit test in which they fire', () => {
    const firing = new Set(unitTests.flatMap((test) => test.alert_rule_test.filter((check) => check.exp_alerts.length > 0).map((check) => check.alertname)));
    expect(rules.map((rule) => rule.alert).filter((name) => !firing.has(name))).toEqual([]);
  });
});

describe('the metrics the alerting rules name', () => {
  let stack: SharedStack;
  /** Metric family → label names seen on its samples, from the gateway and every subgraph. */
  const exported = new Map<string, Set<string>>();

  beforeAll(async () => {
    stack = await borrowStack({ token: { preset: 'admin' } });
    // One operation, so the request and fetch families have samples whose labels can be read.
    expect((await stack.query('{ customer(id: "cus_0001") { name orders(first: 1) { nodes { number } } } }')).status).toBe(200);
    const urls = [stack.gateway.url, ...SUBGRAPH_NAMES.map((name) => stack.subgraphs[name].url)];
    for (const url of urls) {
      const { types, samples } = await scrape(url);
      for (const family of types.keys()) if (!exported.has(family)) exported.set(family, new Set());
      for (const sample of samples) for (const label of Object.keys(sample.labels)) (exported.get(familyOf(sample.name)) ?? exported.get(sample.name))?.add(label);
    }
  });
  afterAll(() => stack?.stop());

  it('are all exported by a gateway or a subgraph', () => {
    const named = new Set(rules.flatMap((rule) => [...rule.expr.matchAll(/\b(bizgraph_[a-z_]+)/g)].map((match) => familyOf(match[1]!))));
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('carry the labels the rules and their unit tests use, wherever a sample shows them', () => {
    const used = new Map<string, Set<string>>();
    const note = (metric: string, labels: Iterable<string>) => {
      const set = used.get(familyOf(metric)) ?? new Set<string>();
      for (const label of labels) set.add(label);
      used.set(familyOf(metric), set);
    };
    for (const rule of rules) {
      for (const match of rule.expr.matchAll(/\b(bizgraph_[a-z_]+)\{([^}]*)\}/g))
        note(
          match[1]!,
          [...match[2]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((label) => label[1]!),
        );
      for (const match of rule.expr.matchAll(/by \(([^)]*)\)\s*\(\s*(?:\w+\()?(bizgraph_[a-z_]+)/g))
        note(
          match[2]!,
          match[1]!.split(',').map((label) => label.trim()),
        );
    }
    for (const test of unitTests) {
      for (const { series } of test.input_series) {
        const match = /^(bizgraph_[a-z_]+)\{(.*)\}$/.exec(series);
        if (match)
          note(
            match[1]!,
            [...match[2]!.matchAll(/(\w+)="/g)].map((label) => label[1]!),
          );
      }
    }
    // Prometheus adds these to every scraped series; histograms add `le`.
    const added = new Set(['job', 'instance', 'le']);
    const checked: string[] = [];
    const unknown: string[] = [];
    for (const [metric, labels] of used) {
      const real = exported.get(metric);
      if (!real || real.size === 0) continue;
      checked.push(metric);
      for (const label of labels) if (!added.has(label) && !real.has(label)) unknown.push(`${metric}{${label}}`);
    }
    expect(unknown).toEqual([]);
    // The families whose samples exist on a stack that answered one operation: their labels were really compared.
    expect(checked).toEqual(
      expect.arrayContaining([
        'bizgraph_gateway_requests_total',
        'bizgraph_gateway_request_duration_seconds',
        'bizgraph_gateway_subgraph_fetches_total',
        'bizgraph_gateway_subgraph_breaker_state',
        'bizgraph_supergraph_info',
        'bizgraph_subgraph_dead_letters',
        'bizgraph_subgraph_consumer_lag_events',
      ]),
    );
  });
});

/** A histogram's or summary's series (`_bucket`, `_sum`, `_count`) belong to its family. */
function familyOf(name: string): string {
  return name.replace(/_(bucket|sum|count)$/, '');
}
