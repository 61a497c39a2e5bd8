import { isAbsolute, resolve } from 'node:path';
import { readShutdownSettings, type ShutdownSettings } from '../../common/graceful-shutdown.js';
import { projectPath } from '../../common/project-root.js';
import { readMaxStringBytes } from '../../common/input-strings.js';
import { ConfigError, readDebugErrors, readInt, readOnOff, readOptionalString, readString, type Env } from '../../common/config.js';
import { exportsSpans } from '../../common/trace-export.js';
import { readAuthConfig, type AuthConfig } from './auth/config.js';
import { readAuthzMode, type AuthzMode } from './authz/mode.js';
import { readCorsConfig, type CorsConfig } from './http/cors.js';
import { readResilienceConfig, type ResilienceConfig } from './datasource/resilience-config.js';
import { readAuditConfig, type AuditConfig } from './features/audit/config.js';
import { readPersistedConfig, type PersistedConfig } from './features/persisted/config.js';
import { readResponseCacheConfig, type ResponseCacheConfig } from './features/response-cache/config.js';
import { readUsageConfig, type UsageConfig } from '../../common/usage/config.js';
import { readExplorerConfig, type ExplorerConfig } from './explorer/config.js';

/** The committed supergraph, resolved from the project root so the gateway runs from any cwd. */
export const DEFAULT_SUPERGRAPH = projectPath('schema/supergraph.graphql');

export interface SupergraphSource {
  /** An absolute file path or an http(s) URL. */
  location: string;
  kind: 'file' | 'url';
  /** Where the value came from, so a bad supergraph is reported against the setting that chose it. */
  variable: '--supergraph' | 'BIZGRAPH_SUPERGRAPH';
}

export interface GatewayConfig {
  /** @default 4000 */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** `NODE_ENV=production`: masks unexpected errors, no stack traces, no introspection. */
  production: boolean;
  /** `DEBUG_ERRORS=1`: stack traces in answers (never in production). @default off */
  debugErrors: boolean;
  /** `HEALTH_PROBE_INTERVAL_MS`: how often each subgraph's `/readyz` is probed (also each probe's timeout). @default 2000 */
  healthProbeIntervalMs: number;
  /** `SHUTDOWN_DELAY_MS`, `SHUTDOWN_GRACE_MS`: how a SIGTERM drains the gateway (`common/graceful-shutdown.ts`). */
  shutdown: ShutdownSettings;
  /** `REFERENCE_RECHECK_INTERVAL_MS`: how often references written unverified (`accept-pending`) are asked about again. @default 30000 */
  referenceRecheckIntervalMs: number;
  /** `HEALTH_DOWN_AFTER_FAILURES`: probes failed in a row before `/readyz` reports a subgraph down. @default 2 */
  healthDownAfterFailures: number;
  /** `--supergraph PATH_OR_URL`, else `BIZGRAPH_SUPERGRAPH`. @default schema/supergraph.graphql */
  supergraph: SupergraphSource;
  /** `SUPERGRAPH_POLL_INTERVAL_MS`: how often the supergraph file or URL is re-read for a new version (`0`: never, see `reload/`). @default 2000 */
  supergraphPollIntervalMs: number;
  /** `SUBGRAPH_<NAME>_URL` overrides, keyed by `<NAME>` (see `subgraphEnvName`); full GraphQL endpoints. */
  subgraphUrls: Readonly<Record<string, string>>;
  /** `SUBGRAPH_<NAME>_SYSTEM`: the business system that owns a subgraph. @default the subgraph name */
  subgraphSystems: Readonly<Record<string, string>>;
  /** `SUBGRAPH_TIMEOUT_MS`: deadline of one subgraph attempt (= `resilience.defaults.timeoutMs`). @default 10000 */
  subgraphTimeoutMs: number;
  /** `REQUEST_DEADLINE_MS`, `SUBGRAPH_[<NAME>_]{TIMEOUT_MS,RETRIES,RETRY_BUDGET_PERCENT,BREAKER_FAILURES,BREAKER_HALF_OPEN_MS,MAX_CONCURRENCY,MAX_QUEUE}` (see `datasource/resilience-config.ts`). */
  resilience: ResilienceConfig;
  /** Keep-alive connections per subgraph origin. @default 64 */
  subgraphConnections: number;
  /** `SUBGRAPH_COMPRESSION` (`on`|`off`): ask subgraphs for gzip/brotli answers. Pays over a network, not on loopback. @default off */
  subgraphCompression: boolean;
  /** `JWT_*` and `BIZGRAPH_DATA_DIR`: how callers are authenticated (see `auth/config.ts`). */
  auth: AuthConfig;
  /** `EXPLORER`, `EXPLORER_ASSETS_DIR`: the explorer page (see `explorer/`). */
  explorer: ExplorerConfig;
  /** `CORS_ORIGINS`: the browser origins that may call the gateway (`http/cors.ts`). */
  cors: CorsConfig;
  /** `LIMIT_*`: what one request may ask for (enforced by `features/limits/` and `features/batch-cap/`). */
  limits: OperationLimits;
  /** `AUTHZ_MODE`: `filter` removes denied fields (null + error), `reject` refuses the request (403). @default 'filter' */
  authzMode: AuthzMode;
  /**
   * `GATEWAY_HEAP_GROWTH_PERCENT`: how far V8 lets the old generation grow past what the last full
   * collection kept before collecting again; `0` leaves V8's own factor (up to 4×, which under load
   * holds 250–320 MB of mostly garbage). @default 50
   */
  heapGrowthPercent: number;
  /**
   * `GATEWAY_SATURATED_CONCURRENCY`: GraphQL requests run at once while the gateway's event loop is
   * saturated, the rest waiting in arrival order (`http/admission.ts`); `0` runs every request at once. @default 8
   */
  saturatedConcurrency: number;
  /** `REQUEST_LOG` (`on`|`off`): the gateway's line per HTTP request (`msg: "request"`); other log lines stay. @default on */
  requestLog: boolean;
  /** `METRICS` (`on`|`off`): request and subgraph metrics, served at `GET /metrics`; off, nothing is counted and `/metrics` is 404. @default on */
  metrics: boolean;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set: spans are recorded and exported (`common/tracing.ts`). Without, requests still get trace ids. */
  traceExport: boolean;
  /** `GATEWAY_EXECUTOR`: who executes Apollo's query plans: `bizgraph`'s own executor (`execution/`) or `apollo` (@apollo/gateway's). @default 'bizgraph' */
  executor: ExecutorKind;
  /** `AUDIT_LOG` (file path | `stdout` | `off`) and `AUDIT_FAIL_CLOSED` (see `features/audit/config.ts`). @default `<BIZGRAPH_DATA_DIR>/audit.log` in development, `stdout` in production */
  audit: AuditConfig;
  /** `PERSISTED_OPERATIONS` (off | apq | safelist), `PERSISTED_MANIFEST`, `REDIS_URL` (see `persisted/config.ts`). @default apq, in memory */
  persisted: PersistedConfig;
  /** `RESPONSE_CACHE` (on | off), `RESPONSE_CACHE_MAX_TTL_SECONDS`, `REDIS_URL` (see `features/response-cache/config.ts`). @default off */
  responseCache: ResponseCacheConfig;
  /** `USAGE_LOG` (path | `off`), `USAGE_DATABASE_URL`, `USAGE_FLUSH_INTERVAL_MS` (see `common/usage/config.ts`). @default `<BIZGRAPH_DATA_DIR>/usage.json`, every 10 s */
  usage: UsageConfig;
}

export interface OperationLimits {
  /** `LIMIT_MAX_DEPTH`: deepest field nesting; fragments do not add a level. @default 12 */
  maxDepth: number;
  /** `LIMIT_MAX_ALIASES`: aliased fields per operation (`__typename` aliases are free). @default 15 */
  maxAliases: number;
  /** `LIMIT_MAX_TOKENS`: lexical tokens of the document, checked while parsing. @default 2000 */
  maxTokens: number;
  /** `LIMIT_MAX_DIRECTIVES`: directive uses per operation. @default 50 */
  maxDirectives: number;
  /** `LIMIT_MAX_COST`: bound on the objects an answer may hold (each list multiplies by its `first`). @default 5000 */
  maxCost: number;
  /** `LIMIT_MAX_BATCH`: operations in one batched HTTP request (a JSON array body). @default 10 */
  maxBatch: number;
  /**
   * `LIMIT_MAX_QUERY_BYTES`: UTF-8 bytes of an operation's text, comments and whitespace included,
   * checked before it is hashed, parsed or stored as a persisted query. @default 65536
   */
  maxQueryBytes: number;
  /** `LIMIT_MAX_STRING_BYTES`: UTF-8 bytes of any one string in arguments or variables (`readMaxStringBytes`). @default 65536 */
  maxStringBytes: number;
}

export type ExecutorKind = 'apollo' | 'bizgraph';

function readExecutorKind(env: Env): ExecutorKind {
  const value = readString(env, 'GATEWAY_EXECUTOR', 'bizgraph').trim();
  if (value !== 'apollo' && value !== 'bizgraph') throw new ConfigError('GATEWAY_EXECUTOR', `expected "apollo" or "bizgraph", got "${value}"`);
  return value;
}

/** `SUBGRAPH_<NAME>_URL` naming: upper-cased, every non-alphanumeric becomes `_`. */
export function subgraphEnvName(subgraph: string): string {
  return subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Reads and validates every gateway setting once; a bad value throws `ConfigError` naming it. */
export function readGatewayConfig(env: Env, argv: readonly string[]): GatewayConfig {
  const resilience = readResilienceConfig(env);
  return {
    port: readInt(env, 'PORT', 4000, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    production: env.NODE_ENV === 'production',
    debugErrors: readDebugErrors(env, env.NODE_ENV === 'production'),
    healthProbeIntervalMs: readInt(env, 'HEALTH_PROBE_INTERVAL_MS', 2000, { min: 50, max: 600_000 }),
    healthDownAfterFailures: readInt(env, 'HEALTH_DOWN_AFTER_FAILURES', 2, { min: 1, max: 100 }),
    shutdown: readShutdownSettings(env),
    referenceRecheckIntervalMs: readInt(env, 'REFERENCE_RECHECK_INTERVAL_MS', 30_000, { min: 50, max: 86_400_000 }),
    supergraph: readSupergraphSource(env, argv),
    supergraphPollIntervalMs: readInt(env, 'SUPERGRAPH_POLL_INTERVAL_MS', 2000, { min: 0, max: 3_600_000 }),
    subgraphUrls: readSuffixed(env, '_URL', readHttpUrl),
    subgraphSystems: readSuffixed(env, '_SYSTEM', (name, value) => value.trim() || fail(name, 'must not be blank')),
    subgraphTimeoutMs: resilience.defaults.timeoutMs,
    resilience,
    subgraphConnections: readInt(env, 'SUBGRAPH_CONNECTIONS', 64, { min: 1, max: 4096 }),
    subgraphCompression: readOnOff(env, 'SUBGRAPH_COMPRESSION', false),
    limits: readOperationLimits(env),
    auth: readAuthConfig(env, env.NODE_ENV === 'production'),
    authzMode: readAuthzMode(env),
    executor: readExecutorKind(env),
    heapGrowthPercent: readInt(env, 'GATEWAY_HEAP_GROWTH_PERCENT', 50, { min: 0, max: 1000 }),
    saturatedConcurrency: readInt(env, 'GATEWAY_SATURATED_CONCURRENCY', 8, { min: 0, max: 10_000 }),
    requestLog: readOnOff(env, 'REQUEST_LOG', true),
    metrics: readOnOff(env, 'METRICS', true),
    traceExport: exportsSpans(env),
    audit: readAuditConfig(env, env.NODE_ENV === 'production'),
    persisted: readPersistedConfig(env),
    responseCache: readResponseCacheConfig(env),
    usage: readUsageConfig(env),
    explorer: readExplorerConfig(env, env.NODE_ENV === 'production'),
    cors: readCorsConfig(env, env.NODE_ENV === 'production'),
  };
}

function readOperationLimits(env: Env): OperationLimits {
  return {
    maxDepth: readInt(env, 'LIMIT_MAX_DEPTH', 12, { min: 1, max: 1000 }),
    maxAliases: readInt(env, 'LIMIT_MAX_ALIASES', 15, { min: 0, max: 10_000 }),
    maxTokens: readInt(env, 'LIMIT_MAX_TOKENS', 2000, { min: 1, max: 1_000_000 }),
    maxDirectives: readInt(env, 'LIMIT_MAX_DIRECTIVES', 50, { min: 0, max: 10_000 }),
    maxCost: readInt(env, 'LIMIT_MAX_COST', 5000, { min: 1, max: 1_000_000_000 }),
    maxBatch: readInt(env, 'LIMIT_MAX_BATCH', 10, { min: 1, max: 1000 }),
    maxQueryBytes: readInt(env, 'LIMIT_MAX_QUERY_BYTES', 65_536, { min: 64, max: 1_048_576 }),
    maxStringBytes: readMaxStringBytes(env),
  };
}

function readSupergraphSource(env: Env, argv: readonly string[]): SupergraphSource {
  const fromArgs = readFlag(argv, '--supergraph');
  if (fromArgs !== undefined) return toSource(fromArgs, '--supergraph', process.cwd());
  const fromEnv = readOptionalString(env, 'BIZGRAPH_SUPERGRAPH');
  if (fromEnv !== undefined) return toSource(fromEnv, 'BIZGRAPH_SUPERGRAPH', process.cwd());
  return { location: DEFAULT_SUPERGRAPH, kind: 'file', variable: 'BIZGRAPH_SUPERGRAPH' };
}

/** `--flag VALUE` or `--flag=VALUE`; a flag without a value is a configuration error. */
function readFlag(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1) || fail(flag, 'expected a path or URL');
    if (arg !== flag) continue;
    const value = argv[i + 1];
    if (value === undefined || value === '' || value.startsWith('--')) fail(flag, 'expected a path or URL');
    return value;
  }
  return undefined;
}

function toSource(value: string, variable: SupergraphSource['variable'], cwd: string): SupergraphSource {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { location: readHttpUrl(variable, value), kind: 'url', variable };
  return { location: isAbsolute(value) ? value : resolve(cwd, value), kind: 'file', variable };
}

/** Collects `SUBGRAPH_<NAME><suffix>` variables, keyed by `<NAME>`. */
function readSuffixed(env: Env, suffix: string, read: (variable: string, value: string) => string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('SUBGRAPH_') || !variable.endsWith(suffix) || value === undefined || value === '') continue;
    const name = variable.slice('SUBGRAPH_'.length, -suffix.length);
    if (name) values[name] = read(variable, value);
  }
  return values;
}

function readHttpUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(variable, `not a valid URL: "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(variable, `expected an http or https URL, got "${value}"`);
  return value;
}

function fail(variable: string, message: string): never {
  throw new ConfigError(variable, message);
}
