import { join } from 'node:path';
import { readInt, readString, type Env } from '../../common/config.js';
import { datasetFromEnv } from '../seed/generate.js';
import type { SeedTicket } from '../seed/types.js';

/** Settings of the support desk stand-in, read once from the environment. */
export interface SupportSystemConfig {
  /** `PORT`, default 4104. */
  port: number;
  /** `HOST`, default 127.0.0.1. */
  host: string;
  /** `SUPPORT_API_KEY`: the key every API call must send as `x-api-key`. */
  apiKey: string;
  /** `SUPPORT_LATENCY_MS`: artificial delay before every API response, default 0. */
  latencyMs: number;
  /** Where the ticket store lives: `<BIZGRAPH_DATA_DIR>/support`. */
  storeDir: string;
  /** Tickets to seed an empty store with (`SEED`, `SEED_SCALE`); only called on first start. */
  seedTickets(): SeedTicket[];
}

export function readSupportSystemConfig(env: Env): SupportSystemConfig {
  return {
    port: readInt(env, 'PORT', 4104, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    apiKey: readString(env, 'SUPPORT_API_KEY', 'dev-support-key'),
    latencyMs: readInt(env, 'SUPPORT_LATENCY_MS', 0, { min: 0, max: 60_000 }),
    storeDir: join(readString(env, 'BIZGRAPH_DATA_DIR', '.data'), 'support'),
    seedTickets: () => datasetFromEnv(env).tickets,
  };
}
