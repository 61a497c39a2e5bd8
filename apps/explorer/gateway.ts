import type { ExecutionResult } from 'graphql';
import { annotateIntrospection, readCatalog } from './annotate.js';
import { recordRun } from './fetches-pane.js';

/** What the explorer asks of the gateway that serves it (same origin, so no CORS and no CDN). */

export interface ExplorerConfig {
  /** Development mode: the gateway mints tokens from its dev issuer for the presets. */
  development: boolean;
  presets: string[];
}

export async function readExplorerConfig(): Promise<ExplorerConfig> {
  const response = await fetch('/explorer/config', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`explorer config: HTTP ${response.status}`);
  return (await response.json()) as ExplorerConfig;
}

/** A development token for a preset, minted by the gateway's dev issuer (development only). */
export async function mintDevToken(preset: string): Promise<string> {
  const response = await fetch(`/explorer/dev-token?preset=${encodeURIComponent(preset)}`, { method: 'POST' });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body.token;
}

/**
 * GraphiQL's fetcher: one POST to `/graphql` (JSON, which also satisfies the gateway's CSRF check),
 * the token as a bearer, then the headers typed in GraphiQL's header editor, which win.
 */
export async function fetchGraphQL(params: unknown, editorHeaders: Record<string, unknown> | undefined, token: string): Promise<ExecutionResult> {
  const answer = await postGraphQL(params, editorHeaders, token);
  // GraphiQL's schema read: the docs pane gets each field's owner, scopes and tags from the catalog.
  const { operationName } = params as { operationName?: string };
  if (operationName === 'IntrospectionQuery') return annotateIntrospection(answer, await readCatalog(token));
  recordRun(operationName, answer.extensions);
  return answer;
}

async function postGraphQL(params: unknown, editorHeaders: Record<string, unknown> | undefined, token: string): Promise<ExecutionResult> {
  // bizgraph-fetches: the answer lists the subgraph fetches it took, for the plan view.
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', 'bizgraph-fetches': '1' };
  if (token) headers.authorization = `Bearer ${token}`;
  for (const [name, value] of Object.entries(editorHeaders ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(params) });
  const text = await response.text();
  try {
    // The gateway's JSON as it came, whatever the status: GraphiQL shows it.
    return JSON.parse(text) as ExecutionResult;
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] } as unknown as ExecutionResult;
  }
}
