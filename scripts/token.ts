import { ConfigError } from '../common/config.js';
import { readAuthConfig } from '../gateway/src/auth/config.js';
import { DevTokenError, issueDevToken, type DevTokenRequest } from '../gateway/src/auth/dev-token.js';
import { isPresetName, PRESETS, unknownScopeMessage } from '../gateway/src/auth/presets.js';
import { datasetFromEnv } from '../systems/seed/generate.js';

/**
 * `npm run -s token -- --preset sales|finance|support|admin|portal` or
 * `npm run -s token -- --scopes "crm:read erp:read" [--sub ID] [--customer ID] [--ttl SECONDS]`:
 * prints one token signed by the embedded dev issuer, alone on stdout (so `$(npm run -s token …)`
 * works). Usage errors go to stderr with exit code 2.
 */
const USAGE = `usage: npm run -s token -- --preset NAME | --scopes "SCOPE ..." [--sub ID] [--customer ID] [--ttl SECONDS]
presets:
${Object.entries(PRESETS)
  .map(([name, preset]) => `  ${name.padEnd(8)} ${preset.scopes.join(' ')}${preset.customerBound ? ' + customer_id, email' : ''}`)
  .join('\n')}`;

class UsageError extends Error {}

const FLAGS = ['--preset', '--scopes', '--sub', '--customer', '--ttl'] as const;
type Flag = (typeof FLAGS)[number];

function parseArgs(argv: readonly string[]): DevTokenRequest {
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
    if (values.has(name as Flag)) throw new UsageError(`${name} given twice`);
    values.set(name as Flag, value);
  }
  const preset = values.get('--preset');
  const scopes = values.get('--scopes');
  if (preset === undefined && scopes === undefined) throw new UsageError('give --preset or --scopes');
  if (preset !== undefined && scopes !== undefined) throw new UsageError('give --preset or --scopes, not both');
  if (preset !== undefined && !isPresetName(preset)) throw new UsageError(`unknown preset "${preset}"`);
  const unknown = scopes === undefined ? undefined : unknownScopeMessage(scopes.split(/[\s,]+/).filter(Boolean));
  if (unknown !== undefined) throw new UsageError(unknown);
  const ttl = values.get('--ttl');
  const ttlSeconds = ttl === undefined ? undefined : Number(ttl);
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 30 * 86_400)) {
    throw new UsageError(`--ttl: expected whole seconds between 1 and ${30 * 86_400}, got "${ttl}"`);
  }
  return {
    ...(preset !== undefined && isPresetName(preset) ? { preset } : {}),
    ...(scopes !== undefined ? { scopes: [...new Set(scopes.split(/[\s,]+/).filter(Boolean))] } : {}),
    ...(values.has('--sub') ? { sub: values.get('--sub')! } : {}),
    ...(values.has('--customer') ? { customer: values.get('--customer')! } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  };
}

async function main(): Promise<number> {
  const env = process.env;
  if (env.JWT_JWKS_URL) {
    console.error('token: JWT_JWKS_URL is set, so the gateway trusts your identity provider, not the dev issuer: get a token from it');
    return 1;
  }
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let request: DevTokenRequest;
  try {
    request = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`token: ${error.message}\n${USAGE}`);
    return 2;
  }
  const config = readAuthConfig(env, env.NODE_ENV === 'production');
  // The portal's email is the one the stack serves: the seed dataset of the same SEED/SEED_SCALE.
  const emails = new Map(datasetFromEnv(env).customers.map((customer) => [customer.id, customer.email]));
  try {
    console.log(await issueDevToken(config.dataDir, request, (id) => emails.get(id), config));
  } catch (error) {
    if (!(error instanceof DevTokenError)) throw error;
    console.error(`token: ${error.message}`);
    return 2;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`token: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  },
);
