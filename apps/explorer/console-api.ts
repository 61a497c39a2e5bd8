/** The governance console's calls: ordinary authorized endpoints of the gateway (`governance:read`). */

export interface SubgraphRow {
  name: string;
  url: string;
  state: 'up' | 'down' | 'unknown';
  since: string;
  failures: number;
  error?: string;
  breaker?: 'closed' | 'open' | 'half-open';
  owner?: { team: string; system: string; contact: string; sla: { availability: string; latencyP99Ms: number; support: string } };
  /** The gateway's fetch attempts of the last minutes. */
  recent?: { attempts: number; errorRate: number | null; p50Ms: number | null; p99Ms: number | null; windowSeconds: number };
}

export interface DeniedField {
  coordinate: string;
  authentication: boolean;
  missing: string[][] | null;
}

export interface AccessAnswer {
  principal: { origin: string; subject?: string; scopes: string[]; authenticated: boolean };
  explanation: { read: Record<string, string[]>; write: string[]; deniedReads: DeniedField[]; deniedWrites: DeniedField[] };
}

export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ConsoleApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body;
}

export const readSubgraphs = (token: string) => call<{ supergraph: string; subgraphs: SubgraphRow[] }>('/console/api/subgraphs', token);

export const explainAccess = (token: string, subject: { token: string } | { preset: string }) =>
  call<AccessAnswer>('/console/api/access', token, { method: 'POST', body: subject });

/** `crm:read AND pii:read`, `any of: …`: what would grant a denied field. */
export function describeMissing(field: DeniedField): string {
  if (field.authentication && !field.missing) return 'needs a signed-in caller';
  const sets = (field.missing ?? []).map((set) => set.join(' AND '));
  return sets.length === 1 ? `needs ${sets[0]}` : `needs one of: ${sets.join(' | ')}`;
}

export interface CatalogHit {
  coordinate: string;
  type: string;
  description: string | null;
  deprecationReason: string | null;
  systems: string[];
  teams: string[];
  requires: string;
  authenticated: boolean;
  tags: string[];
  usage: { operations: number; calls: number; lastUsed: string | null; clients: { name: string; calls: number; lastUsed: string }[] } | null;
}

export const searchCatalog = (token: string, text: string) => call<{ hits: CatalogHit[]; more: boolean }>(`/console/api/catalog?q=${encodeURIComponent(text)}`, token);

export interface MatrixRow {
  coordinate: string;
  requires: string;
  authenticated: boolean;
  tags: string[];
  subgraphs: string[];
}

export const readScopesMatrix = (token: string) => call<{ rows: MatrixRow[] }>('/console/api/scopes-matrix', token);

export async function readChangelog(token: string): Promise<string> {
  const response = await fetch('/console/api/changelog', { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new ConsoleApiError(response.status, `HTTP ${response.status}`);
  return response.text();
}

export interface AuditRow {
  time: string;
  requestId: string;
  subject: string | null;
  clientName: string | null;
  operationName: string | null;
  operationType: string | null;
  outcome: string;
  classified: { coordinate: string; tags: string[]; count: number }[];
  denied: string[];
  errorCodes: string[];
}

export const readAuditTrail = (token: string, filter: Record<string, string>) =>
  call<{ lines: AuditRow[]; scannedBytes: number }>(`/console/api/audit?${new URLSearchParams(Object.entries(filter).filter(([, value]) => value.trim() !== ''))}`, token);

export interface IntegrityReport {
  gateway: string;
  finishedAt: string;
  references: Array<{
    name: string;
    description: string;
    checked: number;
    orphanCount: number;
    orphanRatio: number;
    unverifiedCount: number;
    orphans: { source: string; reference: string }[];
  }>;
}

export const readIntegrityReport = (token: string) => call<IntegrityReport>('/console/api/integrity', token);
