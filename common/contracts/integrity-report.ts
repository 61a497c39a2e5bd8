import { join } from 'node:path';

/**
 * Where `npm run integrity` leaves its latest complete report (its `--format json` output) and
 * where the gateway of the same data dir reads it for the governance console.
 */
export function integrityReportFile(dataDir: string): string {
  return join(dataDir, 'integrity', 'latest.json');
}
