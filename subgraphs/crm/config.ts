import { readInt, readOptionalUrl, readString, type Env } from '../../common/config.js';
import { readSubgraphBaseConfig, type SubgraphBaseConfig } from '../shared/config.js';

export interface CrmSubgraphConfig extends SubgraphBaseConfig {
  /** `CRM_API_URL`, default http://127.0.0.1:4101 (the stand-in). */
  crmApiUrl: string;
  /** `CRM_API_KEY`, default `dev-crm-key`. */
  crmApiKey: string;
  /** `CRM_TIMEOUT_MS`: whole-call timeout per CRM request, default 5000. */
  crmTimeoutMs: number;
}

export function readCrmSubgraphConfig(env: Env): CrmSubgraphConfig {
  return {
    ...readSubgraphBaseConfig(env, 4001),
    crmApiUrl: readOptionalUrl(env, 'CRM_API_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:4101',
    crmApiKey: readString(env, 'CRM_API_KEY', 'dev-crm-key'),
    crmTimeoutMs: readInt(env, 'CRM_TIMEOUT_MS', 5000, { min: 1, max: 120_000 }),
  };
}
