import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';
import { ConfigError, readOptionalString, readString, type Env } from '../../common/config.js';
import { createInternalTokenSigner, type InternalTokenSigner } from '../../gateway/src/auth/internal-token.js';
import { ROOT } from './processes.js';

/**
 * How `npm run events` reaches the subgraphs taking part in business events: their base URLs
 * (`routing_url` of schema/supergraph.yaml, or `SUBGRAPH_<NAME>_URL` as the gateway reads it) and
 * the internal token each accepts, minted with the gateway's key as an operator holding it can:
 * the data dir's key in development, the mounted `GATEWAY_SIGNING_KEY_FILE` in production.
 */
export interface EventsTarget {
  name: string;
  /** Base URL, e.g. `http://127.0.0.1:4002` (the `/graphql` of the routing URL dropped). */
  url: string;
}

/** Subgraphs that take part: those schema/events/subscriptions.json names as consumers or sources. */
export function readEventTargets(env: Env, root = ROOT): EventsTarget[] {
  const subscriptions = JSON.parse(readFileSync(join(root, 'schema/events/subscriptions.json'), 'utf8')) as Record<string, string[]>;
  const taking = new Set([...Object.keys(subscriptions), ...Object.values(subscriptions).flatMap((subjects) => subjects.map((subject) => subject.split('.')[0]!))]);
  const supergraph = YAML.parse(readFileSync(join(root, 'schema/supergraph.yaml'), 'utf8')) as { subgraphs?: Record<string, { routing_url?: string }> };
  return Object.entries(supergraph.subgraphs ?? {})
    .filter(([name]) => taking.has(name))
    .map(([name, entry]) => {
      const variable = `SUBGRAPH_${name.toUpperCase()}_URL`;
      const value = readOptionalString(env, variable) ?? entry.routing_url;
      if (!value) throw new ConfigError(variable, `unset, and schema/supergraph.yaml has no routing_url for ${name}`);
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new ConfigError(variable, `not a valid URL: "${value}"`);
      }
      return { name, url: `${url.origin}${url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '')}` };
    });
}

export interface OperatorCredentials {
  /** `Authorization` header for `subgraph` with `scopes`. */
  authorization(subgraph: string, scopes: readonly string[]): Promise<string>;
}

/**
 * Signs internal tokens as the gateway does. Production (`NODE_ENV=production`) requires
 * `GATEWAY_SIGNING_KEY_FILE`, the key every gateway replica mounts: no key is ever created there.
 * Development uses (or creates, as the gateway would) the key under `BIZGRAPH_DATA_DIR`.
 */
export function operatorCredentials(env: Env): OperatorCredentials {
  const keyFile = readOptionalString(env, 'GATEWAY_SIGNING_KEY_FILE');
  if (keyFile === undefined && env.NODE_ENV === 'production') {
    throw new ConfigError('GATEWAY_SIGNING_KEY_FILE', "required when NODE_ENV=production: the gateway's internal-token key, which the subgraphs trust");
  }
  const dataDir = readString(env, 'BIZGRAPH_DATA_DIR', '.data');
  let signer: Promise<InternalTokenSigner> | undefined;
  const subject = `ops-cli:${safeUser()}`;
  return {
    async authorization(subgraph, scopes) {
      signer ??= createInternalTokenSigner({
        dataDir,
        ...(keyFile === undefined ? {} : { keyFiles: { signingKeyFile: isAbsolute(keyFile) ? keyFile : resolve(process.cwd(), keyFile) } }),
      });
      return `Bearer ${await (await signer).tokenFor({ subject, scopes }, subgraph)}`;
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

/** A refusal or failure of one subgraph, named. */
export class SubgraphCallError extends Error {
  constructor(
    readonly subgraph: string,
    message: string,
  ) {
    super(`${subgraph}: ${message}`);
  }
}

const TIMEOUT_MS = 10_000;

/** One call to an operations route; JSON in and out, errors named after the subgraph. */
export async function callSubgraph<T>(target: EventsTarget, credentials: OperatorCredentials, scopes: readonly string[], path: string, body?: Record<string, unknown>): Promise<T> {
  const headers: Record<string, string> = { authorization: await credentials.authorization(target.name, scopes) };
  if (body) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new SubgraphCallError(target.name, `unreachable at ${target.url} (${cause ?? (error as Error).message}); is it running? (SUBGRAPH_${target.name.toUpperCase()}_URL)`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { errors?: Array<{ message?: string }> }).errors?.[0]?.message ?? message;
    } catch {
      // not JSON: the text itself
    }
    throw new SubgraphCallError(target.name, `${path} answered ${response.status}: ${message}`);
  }
  return JSON.parse(text) as T;
}
