import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { kubernetesYaml, METRICS_JOB_LABEL } from '../scripts/lib/kubernetes.js';
import { ROOT } from '../scripts/lib/processes.js';
import { READERS, variablesRead } from './helpers/process-env.js';

/**
 * Issue 15: the Kubernetes manifests, checked without a cluster: each object against the
 * Kubernetes JSON schemas (`kubernetes-models`), the committed file against its generator, and the
 * objects against the processes and each other: compiled entries, ports and probes, the variables
 * each container sets (read by its process), the Services, autoscaler and disruption budget.
 */

const text = readFileSync(join(ROOT, 'deploy/kubernetes/bizgraph.yaml'), 'utf8');
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: Record<string, any>; data?: Record<string, string> };
const manifests = YAML.parseAllDocuments(text).map((document) => document.toJSON() as Manifest);
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};
const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const config = ofKind('ConfigMap')[0]!.data!;

describe('deploy/kubernetes/bizgraph.yaml', () => {
  it('is what npm run kubernetes writes', () => {
    expect(text).toBe(kubernetesYaml());
  });

  it('holds only objects valid against the Kubernetes schemas', () => {
    expect(manifests.length).toBe(17);
    for (const manifest of manifests) {
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model, `${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
      expect(() => new Model!(manifest).validate(), `${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
    }
  });

  it('runs each process from its compiled entry, probed on its own port, setting only variables it reads', () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(
      ['bizgraph-billing', 'bizgraph-crm', 'bizgraph-erp', 'bizgraph-gateway', 'bizgraph-logistics', 'bizgraph-support'].sort(),
    );
    for (const deployment of deployments) {
      const container = deployment.spec!.template.spec.containers[0];
      const entry: string = container.command[1];
      expect(existsSync(join(ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), entry).toBe(true);
      const env: Record<string, string> = Object.fromEntries(
        container.env.map((variable: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { key: string } } }) => [
          variable.name,
          variable.value ?? (variable.valueFrom?.configMapKeyRef ? config[variable.valueFrom.configMapKeyRef.key] : `secret-${variable.name.toLowerCase()}`),
        ]),
      );
      // Secret URLs stand in as valid ones: the readers check their form.
      for (const name of Object.keys(env))
        if (/_URL$/.test(name) && env[name]!.startsWith('secret-')) env[name] = name.includes('REDIS') ? 'redis://redis:6379' : 'postgres://db:5432/db';
      const read = variablesRead(READERS[entry]!, env);
      expect({ entry, unread: Object.keys(env).filter((name) => !read.has(name)) }).toEqual({ entry, unread: [] });
      const port = Number(env.PORT);
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect([container.readinessProbe.httpGet, container.livenessProbe.httpGet]).toEqual([
        { path: '/readyz', port },
        { path: '/healthz', port },
      ]);
      const service = ofKind('Service').find((candidate) => candidate.metadata.name === deployment.metadata.name)!;
      expect(service.spec!.ports).toEqual([{ name: 'http', port, targetPort: port }]);
      expect(service.spec!.selector).toEqual(deployment.spec!.selector.matchLabels);
      // Every in-cluster URL names a Service on its port.
      for (const value of Object.values(env).filter((candidate) => candidate.startsWith('http://bizgraph-'))) {
        const url = new URL(value);
        const target = ofKind('Service').find((candidate) => candidate.metadata.name === url.hostname);
        expect(target?.spec!.ports[0].port, value).toBe(Number(url.port));
      }
    }
  });

  it('scales and protects the gateway', () => {
    const gateway = ofKind('Deployment').find((deployment) => deployment.metadata.name === 'bizgraph-gateway')!;
    const [autoscaler] = ofKind('HorizontalPodAutoscaler');
    expect(autoscaler!.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'bizgraph-gateway' });
    expect(autoscaler!.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    const [budget] = ofKind('PodDisruptionBudget');
    expect(budget!.spec!.selector.matchLabels).toEqual(gateway.spec!.selector.matchLabels);
    const container = gateway.spec!.template.spec.containers[0];
    const keyFile = container.env.find((variable: { name: string }) => variable.name === 'GATEWAY_SIGNING_KEY_FILE').value as string;
    expect(container.volumeMounts.some((mount: { name: string; mountPath: string }) => keyFile.startsWith(`${mount.mountPath}/`) && mount.name === 'signing-key')).toBe(true);
  });

  it('has every process scraped under the job names compose uses, and the alerting rules compose loads', () => {
    const [monitor] = ofKind('ServiceMonitor');
    const services = ofKind('Service');
    // The monitor's selector picks every Service, and each Service's metrics port is the one it serves on.
    const selected = services.filter((service) => Object.entries(monitor!.spec!.selector.matchLabels).every(([key, value]) => service.metadata.labels?.[key] === value));
    expect(selected.map((service) => service.metadata.name)).toEqual(services.map((service) => service.metadata.name));
    expect(monitor!.spec!.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
    for (const service of services) expect(service.spec!.ports.map((port: { name: string }) => port.name)).toContain('http');
    // `job` comes from a Service label; its values are compose's job names, which the rules select on.
    expect(monitor!.spec!.jobLabel).toBe(METRICS_JOB_LABEL);
    const compose = YAML.parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const composeJobOf = (host: string) =>
      compose.scrape_configs.find((job) => job.static_configs.some((config) => config.targets.some((target) => target.split(':')[0]!.replace(/-\d+$/, '') === host)))?.job_name;
    for (const service of services) {
      const host = service.metadata.name.replace(/^bizgraph-/, '');
      expect({ service: service.metadata.name, job: service.metadata.labels?.[METRICS_JOB_LABEL] }).toEqual({ service: service.metadata.name, job: composeJobOf(host) });
    }
    const [rule] = ofKind('PrometheusRule');
    const alerts = YAML.parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: unknown[] };
    expect(rule!.spec!.groups).toEqual(alerts.groups);
  });
});
