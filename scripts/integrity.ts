import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, readOptionalString, type Env } from '../common/config.js';
import { readAuthConfig } from '../gateway/src/auth/config.js';
import { issueDevToken } from '../gateway/src/auth/dev-token.js';
import { keyFiles } from '../gateway/src/auth/key-files.js';
import { integrityReportFile } from '../common/contracts/integrity-report.js';
import { parseArgs, USAGE, UsageError, type IntegrityArgs } from './integrity/args.js';
import { scopesFor } from './integrity/references.js';
import { writeFileAtomicallySync } from '../common/atomic-file.js';
import { formatTable, jsonReport, promText } from './integrity/report.js';
import { operationName, pageQuery, scanAll, ScanError } from './integrity/scan.js';

/**
 * `npm run integrity`: checks every cross-system reference (billing → ERP/CRM, ERP → CRM,
 * support → CRM/ERP, logistics → ERP) through the gateway, so each system answers through its own
 * interface, and reports orphans per reference as a table, JSON and Prometheus metrics. Orphans are
 * findings (exit 0, or 3 with --fail-on-orphans); a scan that could not complete exits 1 and names
 * the system, so an outage is never reported as orphans.
 */

/** The environment with `--data-dir` as `BIZGRAPH_DATA_DIR`. */
function dataEnv(args: IntegrityArgs): Env {
  return { ...process.env, ...(args.dataDir !== undefined ? { BIZGRAPH_DATA_DIR: args.dataDir } : {}) };
}

/** `--token`, else a dev-issuer token carrying exactly the read scopes of the chosen references. */
async function tokenFor(args: IntegrityArgs): Promise<string> {
  if (args.token !== undefined) return args.token;
  const env = dataEnv(args);
  if (readOptionalString(env, 'JWT_JWKS_URL')) {
    throw new UsageError('JWT_JWKS_URL is set, so the gateway trusts your identity provider, not the dev issuer: give --token');
  }
  const config = readAuthConfig(env, env.NODE_ENV === 'production');
  // The gateway being scanned created the key; creating one here would only sign tokens it rejects.
  const { privateFile } = keyFiles(config.dataDir, 'dev-issuer');
  if (!existsSync(privateFile)) {
    throw new UsageError(`no dev issuer key at ${privateFile}: point --data-dir (or BIZGRAPH_DATA_DIR) at the gateway's data dir, or give --token`);
  }
  // No customer binding: the scan must see every record, not one customer's rows.
  return issueDevToken(config.dataDir, { scopes: scopesFor(args.references), sub: 'integrity-scan', ttlSeconds: 3600 }, () => undefined, config);
}

/** One `.graphql` file per reference: `npm run persist` turns them into safelist entries. */
function writeOperations(args: IntegrityArgs, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const spec of args.references) {
    const path = join(dir, `${operationName(spec)}.graphql`);
    writeFileSync(path, `${pageQuery(spec)}\n`);
    console.log(path);
  }
}

async function main(): Promise<number> {
  let args: IntegrityArgs;
  let token: string;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    if (args.writeOperations !== undefined) {
      writeOperations(args, args.writeOperations);
      return 0;
    }
    token = await tokenFor(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`integrity: ${error.message}\n${USAGE}`);
    return 2;
  }
  let results;
  try {
    results = await scanAll(args.references, { url: args.url, token, pageSize: args.pageSize });
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    console.error(`integrity: scan incomplete, nothing reported: ${error.message}`);
    return 1;
  }
  const finishedAt = new Date();
  // Through a rename, as node_exporter's textfile collector asks: a scrape never reads half a file.
  if (args.prom !== undefined) writeFileAtomicallySync(args.prom, await promText(results, finishedAt));
  // The latest complete report, where the gateway of this data dir shows it (the governance console).
  const reportFile = integrityReportFile(readAuthConfig(dataEnv(args), false).dataDir);
  mkdirSync(dirname(reportFile), { recursive: true });
  writeFileAtomicallySync(reportFile, `${JSON.stringify(jsonReport(results, args.url, finishedAt), null, 2)}\n`);
  console.log(args.format === 'json' ? JSON.stringify(jsonReport(results, args.url, finishedAt), null, 2) : formatTable(results));
  const orphans = results.reduce((sum, result) => sum + result.orphans.length, 0);
  return args.failOnOrphans && orphans > 0 ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A bad BIZGRAPH_DATA_DIR / JWT_* value names its variable; anything else is a bug: show the stack.
    console.error(`integrity: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
