import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, readOptionalString, readString, type Env } from '../../../../common/config.js';

/** Where audit lines go. */
export type AuditSinkConfig =
  | { kind: 'off' }
  | { kind: 'stdout' }
  /** Appended to; `createdByDefault` lets the gateway create the data dir it lives in. */
  | { kind: 'file'; path: string; createdByDefault: boolean };

export interface AuditConfig {
  /**
   * `AUDIT_LOG`: a file path (appended to), `stdout` or `off`.
   * @default `<BIZGRAPH_DATA_DIR>/audit.log` in development (keeps `npm start`'s console readable), `stdout` in production
   */
  sink: AuditSinkConfig;
  /**
   * `AUDIT_FAIL_CLOSED=1`: a request whose audit line cannot be written is answered 503 instead of
   * with its data (each response then waits for its line's write). @default false: lines that
   * cannot be written are dropped and counted, the request is answered.
   */
  failClosed: boolean;
}

/** Reads `AUDIT_LOG` and `AUDIT_FAIL_CLOSED`; a bad value throws `ConfigError` naming it. */
export function readAuditConfig(env: Env, production: boolean): AuditConfig {
  const failClosed = readFlag(env, 'AUDIT_FAIL_CLOSED');
  const raw = readOptionalString(env, 'AUDIT_LOG')?.trim();
  let sink: AuditSinkConfig;
  if (raw === undefined || raw === '') {
    sink = production ? { kind: 'stdout' } : { kind: 'file', path: resolve(join(readString(env, 'BIZGRAPH_DATA_DIR', '.data'), 'audit.log')), createdByDefault: true };
  } else if (raw === 'off' || raw === 'stdout') {
    sink = { kind: raw };
  } else {
    sink = { kind: 'file', path: isAbsolute(raw) ? raw : resolve(raw), createdByDefault: false };
  }
  if (failClosed && sink.kind === 'off') throw new ConfigError('AUDIT_FAIL_CLOSED', 'needs an audit log, but AUDIT_LOG=off');
  return { sink, failClosed };
}

function readFlag(env: Env, name: string): boolean {
  const raw = readOptionalString(env, name)?.trim().toLowerCase();
  if (raw === undefined || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(name, `expected 1, true, 0 or false, got "${env[name]}"`);
}
