/** Thrown for a bad environment variable; main.ts prints it and exits non-zero. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function readString(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function readOptionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function readInt(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function readNumber(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const { min = 0, max = Number.MAX_VALUE } = range;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, `expected a number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function readOptionalUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL`);
  }
  return raw;
}

/**
 * A secret that has a development default (a system's API key, a webhook's HMAC key). In
 * production the default is refused, unset or set alike: it is published in this repository, so
 * anyone could call the system or forge its webhooks with it.
 */
export function readSecret(env: Env, name: string, developmentDefault: string, production = env.NODE_ENV === 'production'): string {
  const value = readString(env, name, developmentDefault);
  if (production && value === developmentDefault) {
    throw new ConfigError(name, `must be set to a secret of your own when NODE_ENV=production (the development default "${developmentDefault}" is public)`);
  }
  return value;
}

/** A switch: `on` or `off` (unset or empty → `fallback`); anything else names the variable. */
export function readOnOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(name, `expected "on" or "off", got "${raw}"`);
}

/**
 * `DEBUG_ERRORS=1` (or `on`): answers carry stack traces, outside production only. Off by default
 * even in development: a trace names absolute paths and the code's layout, which a client of a
 * shared development stack has no business reading; the log keeps every detail either way.
 */
export function readDebugErrors(env: Env, production: boolean): boolean {
  const raw = env.DEBUG_ERRORS;
  if (raw === undefined || raw === '' || raw === '0' || raw === 'off') return false;
  if (raw !== '1' && raw !== 'on') throw new ConfigError('DEBUG_ERRORS', `expected "1" or "0", got "${raw}"`);
  return !production;
}
