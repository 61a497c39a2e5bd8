import { processLogger } from '../../common/logger.js';

/**
 * One JSON line per event through the process's pino logger (common/logger.ts): `level`, `time`,
 * `service`, `msg`, the active trace id, and `fields`.
 */
export function log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  processLogger('gateway')[level](fields, msg);
}
