import { request } from 'undici';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import type { SubgraphName } from './stack.js';
import { sumRoutes, type UpstreamCounts } from './stats.js';
import type { SpanExports } from './types.js';

/**
 * Upstream work as counted where it lands: HTTP requests at the REST stand-ins (`/_stats`) and SQL
 * statements under the ERP and billing subgraphs' query interface (`/debug/counters`). The
 * benchmark reads them before and after a run; the difference over the requests is the figure.
 */
async function getJson<T>(url: string): Promise<T> {
  const response = await request(url, { method: 'GET' });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.statusCode} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

export async function readUpstreamCounts(systems: { crm: ServiceProcess; support: ServiceProcess }, subgraphs: Record<SubgraphName, ServiceProcess>): Promise<UpstreamCounts> {
  const [crm, support, erp, billing] = await Promise.all([
    getJson<{ byRoute: Record<string, number> }>(`${systems.crm.url}/_stats`),
    getJson<{ byRoute: Record<string, number> }>(`${systems.support.url}/_stats`),
    getJson<{ sqlStatements: number }>(`${subgraphs.erp.url}/debug/counters`),
    getJson<{ sqlStatements: number }>(`${subgraphs.billing.url}/debug/counters`),
  ]);
  return { crm: sumRoutes(crm.byRoute), support: sumRoutes(support.byRoute), erp: erp.sqlStatements, billing: billing.sqlStatements };
}

/** What a gateway's OTLP sink has received so far (bench/otlp-sink.ts). */
export function readSpanExports(sink: ServiceProcess): Promise<SpanExports> {
  return getJson<SpanExports>(`${sink.url}/counters`);
}
