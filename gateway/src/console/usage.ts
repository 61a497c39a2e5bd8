import type { UsageStoreConfig } from '../../../common/usage/config.js';
import { readUsageFile } from '../../../common/usage/file-store.js';
import { readPostgresUsage } from '../../../common/usage/postgres-store.js';
import type { UsageRecord } from '../../../common/usage/types.js';

/** The usage log this gateway writes, read back for the console; null when it keeps none. */
export async function readUsageRecords(store: UsageStoreConfig): Promise<readonly UsageRecord[] | null> {
  if (store.kind === 'postgres') return readPostgresUsage(store.url);
  if (store.kind === 'file') return readUsageFile(store.path);
  return null;
}
