import { readInt, readNumber, readOptionalUrl, readString, type Env } from '../../common/config.js';

/** Settings of the CRM stand-in, read once from the environment. */
export interface CrmSystemConfig {
  /** `PORT`, default 4101 (0 = any free port). */
  port: number;
  /** `HOST`, default 127.0.0.1. */
  host: string;
  /** `CRM_API_KEY`: the value every API call must send as `x-api-key`. */
  apiKey: string;
  /** `CRM_LATENCY_MS`: added to every API response, like a slow remote CRM. */
  latencyMs: number;
  /** `CRM_RATE_LIMIT_PER_SECOND`: token-bucket refill rate; burst = max(1, rate). Fractions allowed (0.1 = one call per 10 s). */
  rateLimitPerSecond: number;
  /** `CRM_WEBHOOK_URL`: where `customer.updated` events go; unset = no webhooks. */
  webhookUrl?: string;
  /** `CRM_WEBHOOK_SECRET`: HMAC-SHA256 key for `x-crm-signature`. */
  webhookSecret: string;
  /** `BIZGRAPH_DATA_DIR`: the store lives in `<dataDir>/crm/customers.json`. */
  dataDir: string;
  /** SEED / SEED_SCALE, handed to `datasetFromEnv` on first start only. */
  seedEnv: Env;
}

export function readCrmSystemConfig(env: Env): CrmSystemConfig {
  return {
    port: readInt(env, 'PORT', 4101, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    apiKey: readString(env, 'CRM_API_KEY', 'dev-crm-key'),
    latencyMs: readInt(env, 'CRM_LATENCY_MS', 0, { min: 0, max: 60_000 }),
    rateLimitPerSecond: readNumber(env, 'CRM_RATE_LIMIT_PER_SECOND', 1000, { min: 0.001, max: 1_000_000 }),
    webhookUrl: readOptionalUrl(env, 'CRM_WEBHOOK_URL', ['http:', 'https:']),
    webhookSecret: readString(env, 'CRM_WEBHOOK_SECRET', 'dev-crm-webhook-secret'),
    dataDir: readString(env, 'BIZGRAPH_DATA_DIR', '.data'),
    seedEnv: { SEED: env.SEED, SEED_SCALE: env.SEED_SCALE },
  };
}
