import { ConfigError, readString, type Env } from '../../../common/config.js';

/** `filter`: denied fields are removed and answered null + error; `reject`: the request is refused (403). */
export type AuthzMode = 'filter' | 'reject';

const MODES: readonly AuthzMode[] = ['filter', 'reject'];

/** `AUTHZ_MODE`, default `filter`; anything else stops the gateway naming the variable. */
export function readAuthzMode(env: Env): AuthzMode {
  const value = readString(env, 'AUTHZ_MODE', 'filter').trim();
  if (!(MODES as readonly string[]).includes(value)) throw new ConfigError('AUTHZ_MODE', `expected "filter" or "reject", got "${value}"`);
  return value as AuthzMode;
}
