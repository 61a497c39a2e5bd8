import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readInt, readOptionalString, readOptionalUrl, readSecret, readString, type Env } from '../../common/config.js';
import type { GatewayJwksSource } from './internal-auth.js';

/** Common settings every subgraph reads. */
export interface SubgraphBaseConfig {
  port: number;
  host: string;
  production: boolean;
  dataDir: string;
  /**
   * `GATEWAY_JWKS_URL`: the gateway's internal-token key (http(s) URL such as
   * `http://127.0.0.1:4000/.well-known/internal-jwks.json`, `file:` URL or path).
   * @default `<dataDir>/keys/gateway-internal.jwks.json`, written by a gateway sharing the data dir
   */
  gatewayJwks: GatewayJwksSource;
}

export function readSubgraphBaseConfig(env: Env, defaultPort: number): SubgraphBaseConfig {
  const dataDir = readString(env, 'BIZGRAPH_DATA_DIR', '.data');
  return {
    port: readInt(env, 'PORT', defaultPort, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    production: env.NODE_ENV === 'production',
    dataDir,
    gatewayJwks: readGatewayJwks(env, dataDir, env.NODE_ENV === 'production'),
  };
}

/** How a REST subgraph reaches its system, from `<NAME>_API_URL`, `<NAME>_API_KEY`, `<NAME>_TIMEOUT_MS`. */
export interface RestSystemConfig {
  /** `<NAME>_API_URL`: the system's REST API. @default the local stand-in (subgraph port + 100) */
  apiUrl: string;
  /** `<NAME>_API_KEY`: sent as `x-api-key`. @default `dev-<name>-key`, refused in production */
  apiKey: string;
  /** `<NAME>_TIMEOUT_MS`: longest wait for one call to the system. @default 5000 */
  timeoutMs: number;
}

export function readRestSystemConfig(env: Env, prefix: string, defaults: { apiUrl: string; apiKey: string }): RestSystemConfig {
  return {
    apiUrl: readOptionalUrl(env, `${prefix}_API_URL`, ['http:', 'https:']) ?? defaults.apiUrl,
    apiKey: readSecret(env, `${prefix}_API_KEY`, defaults.apiKey),
    timeoutMs: readInt(env, `${prefix}_TIMEOUT_MS`, 5000, { min: 1, max: 120_000 }),
  };
}

/** The internal-token key source alone (`createSubgraphServer` reads it when not given one). */
export function readGatewayJwks(env: Env, dataDir = readString(env, 'BIZGRAPH_DATA_DIR', '.data'), production = env.NODE_ENV === 'production'): GatewayJwksSource {
  const value = readOptionalString(env, 'GATEWAY_JWKS_URL');
  // A replica shares no data dir with the gateways: it is told where their keys are published.
  if (value === undefined && production) {
    throw new ConfigError('GATEWAY_JWKS_URL', "required when NODE_ENV=production (a gateway's /.well-known/internal-jwks.json, or a mounted JWKS file)");
  }
  if (value === undefined) return { kind: 'file', path: resolve(join(dataDir, 'keys', 'gateway-internal.jwks.json')) };
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) return { kind: 'file', path: isAbsolute(value) ? value : resolve(value) };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('GATEWAY_JWKS_URL', `not a valid URL: "${value}"`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return { kind: 'url', url: url.href };
  if (url.protocol === 'file:') return { kind: 'file', path: fileURLToPath(url) };
  throw new ConfigError('GATEWAY_JWKS_URL', `expected an http(s) URL, a file: URL or a path, got "${value}"`);
}
