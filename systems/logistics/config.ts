import { join } from 'node:path';
import { readInt, readOptionalUrl, readString, type Env } from '../../common/config.js';
import { datasetFromEnv, readSeedOptions } from '../seed/generate.js';
import type { SeedShipment } from '../seed/types.js';

/** Settings of the logistics (carrier tracking) stand-in, read once from the environment. */
export interface LogisticsSystemConfig {
  /** `PORT`, default 4105. */
  port: number;
  /** `HOST`, default 127.0.0.1. */
  host: string;
  /** `LOGISTICS_API_KEY`: the key every API call must send as `x-api-key`, default `dev-logistics-key`. */
  apiKey: string;
  /** `LOGISTICS_LATENCY_MS`: artificial delay before every API response, default 0. */
  latencyMs: number;
  /** `LOGISTICS_WEBHOOK_URL`: where shipment changes are posted (the logistics subgraph's `/webhooks/logistics`); unset → none. */
  webhookUrl?: string;
  /** `LOGISTICS_WEBHOOK_SECRET`: HMAC key of `x-logistics-signature`, default `dev-logistics-webhook-secret`. */
  webhookSecret: string;
  /** Where the shipment store lives: `<BIZGRAPH_DATA_DIR>/logistics`. */
  storeDir: string;
  /** Shipments to seed an empty store with (`SEED`, `SEED_SCALE`); only called on first start. */
  seedShipments(): SeedShipment[];
}

export function readLogisticsSystemConfig(env: Env): LogisticsSystemConfig {
  // Validated now, so a bad SEED stops the process even when the store already exists.
  readSeedOptions(env);
  return {
    port: readInt(env, 'PORT', 4105, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    apiKey: readString(env, 'LOGISTICS_API_KEY', 'dev-logistics-key'),
    latencyMs: readInt(env, 'LOGISTICS_LATENCY_MS', 0, { min: 0, max: 60_000 }),
    webhookUrl: readOptionalUrl(env, 'LOGISTICS_WEBHOOK_URL', ['http:', 'https:']),
    webhookSecret: readString(env, 'LOGISTICS_WEBHOOK_SECRET', 'dev-logistics-webhook-secret'),
    storeDir: join(readString(env, 'BIZGRAPH_DATA_DIR', '.data'), 'logistics'),
    seedShipments: () => datasetFromEnv(env).shipments,
  };
}
