import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registerSubgraph, renderSubgraph, ScaffoldError, validateRequest, type ScaffoldRequest } from './scaffold/scaffold.js';
import { PROJECT_ROOT } from '../common/project-root.js';

/**
 * `npm run new:subgraph -- --name NAME --kind rest|postgres [--team TEAM] [--port N]`: writes a
 * working subgraph from `scripts/scaffold/templates/`, registers it (supergraph.yaml, owners.yaml;
 * codegen and the known scopes follow from supergraph.yaml) and runs compose and codegen. Bad arguments exit 2 with a message.
 */
const ROOT = PROJECT_ROOT;

const USAGE = 'usage: npm run new:subgraph -- --name NAME --kind rest|postgres [--team TEAM] [--port N]';

function readRequest(argv: string[]): ScaffoldRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { name: { type: 'string' }, kind: { type: 'string' }, team: { type: 'string' }, port: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ScaffoldError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.name === undefined) throw new ScaffoldError(`--name is required\n${USAGE}`);
  if (values.kind === undefined) throw new ScaffoldError(`--kind is required (rest or postgres)\n${USAGE}`);
  return validateRequest(ROOT, { name: values.name, kind: values.kind, team: values.team, port: values.port });
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}); fix the cause and run it again`);
}

function main(): void {
  let request: ScaffoldRequest;
  try {
    request = readRequest(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    console.error(`new:subgraph: ${error.message}`);
    process.exit(2);
  }
  const files = renderSubgraph(ROOT, request);
  registerSubgraph(ROOT, request);
  console.log(`new:subgraph: wrote ${files.length} files under subgraphs/${request.name}/ (port ${request.port}, team ${request.team})`);
  // What it wrote meets `npm run format:check` like the rest of the tree (codegen's output is ignored there).
  run('npx', ['prettier', '--write', '--log-level', 'warn', `subgraphs/${request.name}`, 'schema/supergraph.yaml', 'schema/owners.yaml']);
  // Compose first: codegen also writes schema/api-schema.graphql from the composed supergraph.
  run('npm', ['run', '-s', 'compose']);
  run('npm', ['run', '-s', 'codegen']);
  const standIn = existsSync(`${ROOT}/systems/${request.name}/main.ts`)
    ? ''
    : request.kind === 'rest'
      ? ` (${request.envPrefix}_API_URL, default http://127.0.0.1:${request.port + 100})`
      : '';
  console.log(`
new:subgraph: ${request.name} is registered and composed.
  test it:    npx vitest run subgraphs/${request.name}
  check it:   npm run schema:check -- --subgraph ${request.name}
  run it:     npm start${standIn}
  scopes:     ${request.name}:read, ${request.name}:write (admin has them; add them to other presets in gateway/src/auth/presets.ts)`);
}

main();
