import { eventually } from '../fixtures/acme/harness.js';
import { http } from './graphql.js';

export interface Readiness {
  status: string;
  supergraph?: Record<string, unknown>;
  probeIntervalMs?: number;
  subgraphs: Array<{ name: string; url: string; state: 'up' | 'down' | 'unknown'; since: string; failures: number; error?: string; breaker?: string }>;
}

/**
 * The gateway's `/readyz` once `until` holds (by default: every subgraph judged, none `unknown`).
 * Subgraphs are probed in the background every HEALTH_PROBE_INTERVAL_MS and reported down only after
 * failures in a row, so a test reads readiness until it has settled rather than once.
 */
export async function readinessWhen(
  gatewayBaseUrl: string,
  until: (readiness: Readiness) => boolean = (body) => body.subgraphs.every((subgraph) => subgraph.state !== 'unknown'),
): Promise<Readiness> {
  return eventually(async () => {
    const response = await http<Readiness>('GET', `${gatewayBaseUrl}/readyz`);
    if (response.status !== 200 || !until(response.body)) throw new Error(`/readyz not there yet: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }, 150);
}

/** The state of each subgraph, by name, once `until` holds. */
export const statesOf = (readiness: Readiness) => Object.fromEntries(readiness.subgraphs.map((subgraph) => [subgraph.name, subgraph.state]));
