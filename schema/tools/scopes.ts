import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PRESETS, SCOPES, unknownScopeMessage } from '../../gateway/src/auth/presets.js';
import { readSupergraphPolicy, type SupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { explainAccess, explanationJson, formatExplanation, type ExplainPrincipal } from './scopes-explain.js';
import { formatFindings, formatSummary, lintPolicy } from './scopes-lint.js';
import { formatMatrix, MATRIX_FORMATS, scopeMatrix, type MatrixFormat } from './scopes-matrix.js';
import { anonymousPrincipal, claimNamesFromEnv, principalFromPreset, principalFromScopes, principalFromToken } from './scopes-principal.js';
import { projectPath } from '../../common/project-root.js';

/**
 * The security team's tools over the supergraph's policy (`npm run scopes -- …`): `matrix`,
 * `explain` and `lint`. Exit codes: 0 done, 1 lint found problems, 2 bad usage or unreadable input
 * (message on stderr).
 */
const DEFAULT_SUPERGRAPH = projectPath('schema/supergraph.graphql');

export const USAGE = `usage: npm run scopes -- <command> [options]
  matrix   [--format table|csv|json] [--supergraph PATH]
           every Type.field: required scopes, authenticated, tags, owning subgraphs
  explain  (--scopes "crm:read erp:read" | --token JWT | --preset NAME [--customer ID] | --anonymous)
           [--format text|json] [--supergraph PATH]
           what that principal can read and write, and what it cannot with the missing scopes
  lint     [--supergraph PATH]
           default-deny: fails listing every field without a policy and every unknown scope
PATH defaults to schema/supergraph.graphql; presets: ${Object.keys(PRESETS).join(', ')}`;

class UsageError extends Error {
  override name = 'UsageError';
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
}

const OPTIONS = {
  format: { type: 'string' },
  supergraph: { type: 'string' },
  scopes: { type: 'string' },
  token: { type: 'string' },
  preset: { type: 'string' },
  customer: { type: 'string' },
  anonymous: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const ALLOWED: Record<string, readonly (keyof Values)[]> = {
  matrix: ['format', 'supergraph'],
  explain: ['format', 'supergraph', 'scopes', 'token', 'preset', 'customer', 'anonymous'],
  lint: ['supergraph'],
};

/** Runs one command; returns the exit code. Never throws for bad input. */
export function runScopes(argv: readonly string[], io: Io): number {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (!command) throw new UsageError('no command given');
    const allowed = ALLOWED[command];
    if (!allowed) throw new UsageError(`unknown command "${command}"`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const stray = (Object.keys(values) as (keyof Values)[]).find((name) => !allowed.includes(name));
    if (stray) throw new UsageError(`--${stray} does not apply to ${command}`);
    const policy = loadPolicy(values.supergraph, io.env);
    if (command === 'lint') {
      const context = { knownScopes: SCOPES };
      const findings = lintPolicy(policy, context);
      io.out(findings.length > 0 ? formatFindings(findings, context) : formatSummary(policy));
      return findings.length > 0 ? 1 : 0;
    }
    if (command === 'matrix') {
      io.out(formatMatrix(scopeMatrix(policy), matrixFormat(values.format)));
      return 0;
    }
    const principal = explainPrincipal(values, io.env);
    const json = textOrJson(values.format);
    const explanation = explainAccess(policy, principal);
    io.out(json ? explanationJson(principal, explanation) : formatExplanation(principal, explanation));
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(usage ? `scopes: ${message}\n${USAGE}\n` : `scopes: ${message}\n`);
    return 2;
  }
}

/** `npm run` runs in the package root; a relative path means the caller's directory (INIT_CWD). */
function loadPolicy(path: string | undefined, env: Io['env']): SupergraphPolicy {
  const file = path === undefined ? DEFAULT_SUPERGRAPH : resolve(env.INIT_CWD ?? process.cwd(), path);
  let sdl: string;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read supergraph ${file}: ${(error as Error).message}`);
  }
  try {
    return readSupergraphPolicy(sdl);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

function matrixFormat(format: string | undefined): MatrixFormat {
  if (format === undefined) return 'table';
  if ((MATRIX_FORMATS as readonly string[]).includes(format)) return format as MatrixFormat;
  throw new UsageError(`--format must be one of ${MATRIX_FORMATS.join(', ')}, not "${format}"`);
}

function textOrJson(format: string | undefined): boolean {
  if (format === undefined || format === 'text') return false;
  if (format === 'json') return true;
  throw new UsageError(`--format must be text or json, not "${format}"`);
}

function explainPrincipal(values: Values, env: Io['env']): ExplainPrincipal {
  const given = (['scopes', 'token', 'preset', 'anonymous'] as const).filter((name) => values[name] !== undefined);
  if (given.length !== 1) throw new UsageError('explain needs exactly one of --scopes, --token, --preset, --anonymous');
  if (values.customer !== undefined && values.preset === undefined) throw new UsageError('--customer goes with --preset portal');
  if (values.scopes !== undefined) {
    const principal = principalFromScopes(values.scopes);
    const unknown = unknownScopeMessage(principal.scopes);
    if (unknown !== undefined) throw new UsageError(unknown);
    return principal;
  }
  if (values.token !== undefined) return principalFromToken(values.token, claimNamesFromEnv(env));
  if (values.preset !== undefined) return principalFromPreset(values.preset, values.customer, env);
  return anonymousPrincipal();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runScopes(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
}
