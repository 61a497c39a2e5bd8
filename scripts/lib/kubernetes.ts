import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { subgraphEnvName } from '../../gateway/src/config.js';
import { PROJECT_ROOT } from '../../common/project-root.js';
import { readTopology } from './topology.js';

/**
 * The Kubernetes manifests of bizgraph (`npm run kubernetes` writes them to
 * `deploy/kubernetes/bizgraph.yaml`; `test/kubernetes.test.ts` validates them against the
 * Kubernetes schemas and the processes): a Deployment and a Service per subgraph and for the
 * gateway, readiness on `/readyz` and liveness on `/healthz`, a HorizontalPodAutoscaler on CPU and
 * a PodDisruptionBudget for the gateway, a ConfigMap for what is not secret and references to two
 * Secrets you create, and for the Prometheus Operator a ServiceMonitor of every process's
 * `/metrics` and a PrometheusRule holding `deploy/prometheus/alerts.yml`. The company's own
 * systems replace the stand-ins; Redis and PostgreSQL are yours too (their URLs are in the Secret).
 */

type EnvVar = { name: string; value: string } | { name: string; valueFrom: Record<string, { name: string; key: string }> };

const IMAGE = 'bizgraph:0.1.0';
const CONFIG = 'bizgraph-config';
const SECRETS = 'bizgraph-secrets';
const SIGNING_KEY_SECRET = 'bizgraph-gateway-signing-key';
const SIGNING_KEY_DIR = '/run/secrets/bizgraph';
/** On every object: the ServiceMonitor selects the Services by it. */
const PART_OF = { 'app.kubernetes.io/part-of': 'bizgraph' } as const;
const labels = (component: string) => ({ 'app.kubernetes.io/name': `bizgraph-${component}`, ...PART_OF });
const literal = (name: string, value: string): EnvVar => ({ name, value });
const fromConfig = (name: string): EnvVar => ({ name, valueFrom: { configMapKeyRef: { name: CONFIG, key: name } } });
const fromSecret = (name: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: SECRETS, key: name } } });

/** Endpoints leave a Service some seconds after a pod turns unready: it serves on until then. */
const shutdown = [literal('SHUTDOWN_DELAY_MS', '5000'), literal('SHUTDOWN_GRACE_MS', '15000')];
const common = (port: number) => [literal('NODE_ENV', 'production'), literal('HOST', '0.0.0.0'), literal('PORT', String(port)), ...shutdown];

/** What each subgraph needs besides `common`: its system (URL, key, webhook secret), database or cache. */
const SUBGRAPH_ENV: Record<string, EnvVar[]> = {
  crm: [fromConfig('CRM_API_URL'), fromSecret('CRM_API_KEY'), fromSecret('CRM_WEBHOOK_SECRET'), fromSecret('REDIS_URL'), literal('ENTITY_CACHE', 'on')],
  erp: [fromSecret('ERP_DATABASE_URL'), fromConfig('NATS_URL')],
  billing: [fromSecret('BILLING_DATABASE_URL'), fromConfig('NATS_URL')],
  support: [fromConfig('SUPPORT_API_URL'), fromSecret('SUPPORT_API_KEY'), fromSecret('REDIS_URL'), literal('ENTITY_CACHE', 'on')],
  logistics: [
    fromConfig('LOGISTICS_API_URL'),
    fromSecret('LOGISTICS_API_KEY'),
    fromSecret('LOGISTICS_WEBHOOK_SECRET'),
    fromSecret('REDIS_URL'),
    literal('ENTITY_CACHE', 'on'),
    fromSecret('LOGISTICS_DATABASE_URL'),
    fromConfig('NATS_URL'),
  ],
};

function deployment(component: string, entry: string, port: number, env: EnvVar[], extra: { replicas?: number; volumes?: unknown[]; volumeMounts?: unknown[] } = {}) {
  const probe = (path: string, periodSeconds: number) => ({ httpGet: { path, port }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `bizgraph-${component}`, labels: labels(component) },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: labels(component) },
      template: {
        metadata: { labels: labels(component) },
        spec: {
          // Longer than SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS: the process ends its drain itself.
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          containers: [
            {
              name: component,
              image: IMAGE,
              command: ['node', `dist/${entry.replace(/\.ts$/, '.js')}`],
              ports: [{ name: 'http', containerPort: port }],
              env,
              readinessProbe: probe('/readyz', 2),
              livenessProbe: probe('/healthz', 10),
              resources: { requests: { cpu: '250m', memory: '192Mi' }, limits: { memory: '384Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
              volumeMounts: [{ name: 'data', mountPath: '/data' }, ...(extra.volumeMounts ?? [])],
            },
          ],
          volumes: [{ name: 'data', emptyDir: {} }, ...(extra.volumes ?? [])],
        },
      },
    },
  };
}

/**
 * The Service label the ServiceMonitor takes each scrape's `job` from: the job names of compose's
 * `deploy/prometheus/prometheus.yml`, which `alerts.yml` selects on (`up{job="gateway"}`), so one
 * rule file serves both deployments.
 */
export const METRICS_JOB_LABEL = 'bizgraph.io/metrics-job';
const metricsJobOf = (component: string) => (component === 'gateway' ? 'gateway' : 'subgraphs');

function service(component: string, port: number) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `bizgraph-${component}`, labels: { ...labels(component), [METRICS_JOB_LABEL]: metricsJobOf(component) } },
    spec: { selector: labels(component), ports: [{ name: 'http', port, targetPort: port }] },
  };
}

export function kubernetesManifests(): Array<Record<string, unknown>> {
  const topology = readTopology();
  const gatewayPort = 4000;
  const config = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIG, labels: PART_OF },
    data: {
      JWT_JWKS_URL: 'https://login.example.com/.well-known/jwks.json',
      JWT_ISSUER: 'https://login.example.com/',
      JWT_AUDIENCE: 'bizgraph',
      CRM_API_URL: 'https://crm.example.com',
      SUPPORT_API_URL: 'https://support.example.com',
      LOGISTICS_API_URL: 'https://carrier.example.com',
      // Business events (issue 17) go through the company's NATS JetStream.
      NATS_URL: 'nats://nats.messaging.svc:4222',
    },
  };
  const gatewayEnv = [
    ...common(gatewayPort),
    fromConfig('JWT_JWKS_URL'),
    fromConfig('JWT_ISSUER'),
    fromConfig('JWT_AUDIENCE'),
    literal('GATEWAY_SIGNING_KEY_FILE', `${SIGNING_KEY_DIR}/gateway-internal.pem`),
    ...topology.map(({ name, port }) => literal(`SUBGRAPH_${subgraphEnvName(name)}_URL`, `http://bizgraph-${name}:${port}/graphql`)),
    fromSecret('REDIS_URL'),
    fromSecret('USAGE_DATABASE_URL'),
    literal('AUDIT_LOG', 'stdout'),
  ];
  const gateway = deployment('gateway', 'gateway/src/main.ts', gatewayPort, gatewayEnv, {
    replicas: 2,
    volumes: [{ name: 'signing-key', secret: { secretName: SIGNING_KEY_SECRET } }],
    volumeMounts: [{ name: 'signing-key', mountPath: SIGNING_KEY_DIR, readOnly: true }],
  });
  const subgraphs = topology.flatMap(({ name, port, entry }) => {
    const env = [...common(port), literal('GATEWAY_JWKS_URL', `http://bizgraph-gateway:${gatewayPort}/.well-known/internal-jwks.json`), ...(SUBGRAPH_ENV[name] ?? [])];
    return [deployment(name, entry, port, env), service(name, port)];
  });
  const autoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'bizgraph-gateway', labels: labels('gateway') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'bizgraph-gateway' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
  const disruptionBudget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'bizgraph-gateway', labels: labels('gateway') },
    spec: { minAvailable: 1, selector: { matchLabels: labels('gateway') } },
  };
  return [config, gateway, service('gateway', gatewayPort), autoscaler, disruptionBudget, ...subgraphs, ...monitoring()];
}

/** Prometheus Operator objects: every bizgraph Service's `/metrics` scraped, and the alerting rules compose's Prometheus loads. */
function monitoring(): Array<Record<string, unknown>> {
  const serviceMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'bizgraph', labels: PART_OF },
    spec: {
      selector: { matchLabels: PART_OF },
      jobLabel: METRICS_JOB_LABEL,
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }],
    },
  };
  const rules = YAML.parse(readFileSync(join(PROJECT_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: unknown[] };
  const prometheusRule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'bizgraph-alerts', labels: PART_OF },
    spec: { groups: rules.groups },
  };
  return [serviceMonitor, prometheusRule];
}

export function kubernetesYaml(): string {
  const header =
    '# Generated by scripts/lib/kubernetes.ts (npm run kubernetes). Create the Secrets first:\n' +
    `#   kubectl create secret generic ${SIGNING_KEY_SECRET} --from-file=gateway-internal.pem\n` +
    `#   kubectl create secret generic ${SECRETS} --from-literal=REDIS_URL=… --from-literal=USAGE_DATABASE_URL=… \\\n` +
    '#     --from-literal=ERP_DATABASE_URL=… --from-literal=BILLING_DATABASE_URL=… --from-literal=CRM_API_KEY=… \\\n' +
    '#     --from-literal=CRM_WEBHOOK_SECRET=… --from-literal=SUPPORT_API_KEY=… --from-literal=LOGISTICS_API_KEY=… \\\n' +
    '#     --from-literal=LOGISTICS_WEBHOOK_SECRET=… --from-literal=LOGISTICS_DATABASE_URL=…\n' +
    '# The ServiceMonitor and PrometheusRule at the end need the Prometheus Operator; without it, leave them out.\n';
  return (
    header +
    kubernetesManifests()
      .map((manifest) => YAML.stringify(manifest, { lineWidth: 0 }))
      .join('---\n')
  );
}
