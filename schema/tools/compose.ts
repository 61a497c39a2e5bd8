import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import YAML from 'yaml';
import { writeFileAtomicallySync } from '../../common/atomic-file.js';
import { projectPath } from '../../common/project-root.js';

/**
 * Offline composition of schema/supergraph.yaml (rover's format) into the committed
 * schema/supergraph.graphql. `--check` composes in memory and fails when the committed file is
 * stale or composition fails, so CI catches a subgraph change nobody composed.
 *
 * `--config PATH` composes another supergraph.yaml and `--out PATH` writes elsewhere (both relative
 * to the working directory). The file is written to a temporary name beside it and renamed over
 * it, so a gateway polling it (SUPERGRAPH_POLL_INTERVAL_MS) never reads half a supergraph.
 */
const SCHEMA_DIR = projectPath('schema');
const CONFIG_PATH = resolve(SCHEMA_DIR, 'supergraph.yaml');
const OUTPUT_PATH = resolve(SCHEMA_DIR, 'supergraph.graphql');

interface SupergraphConfig {
  federation_version?: string;
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

export interface SubgraphEntry {
  name: string;
  url: string;
  file: string;
  sdl: string;
}

export function readSupergraphConfig(path = CONFIG_PATH): SubgraphEntry[] {
  const config = YAML.parse(readFileSync(path, 'utf8')) as SupergraphConfig;
  if (!config?.subgraphs) throw new Error(`${path}: no "subgraphs" section`);
  return Object.entries(config.subgraphs).map(([name, entry]) => {
    const file = resolve(dirname(path), entry.schema.file);
    return { name, url: entry.routing_url, file, sdl: readFileSync(file, 'utf8') };
  });
}

export function composeSupergraph(subgraphs: SubgraphEntry[]): { supergraphSdl?: string; errors: string[] } {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) return { errors: result.errors.map((error) => error.message) };
  return { supergraphSdl: result.supergraphSdl, errors: [] };
}

/** `--flag VALUE` or `--flag=VALUE`, resolved against the working directory; a flag without a value is an error. */
function pathFlag(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg.startsWith(`${flag}=`) ? arg.slice(flag.length + 1) : arg === flag ? argv[i + 1] : undefined;
    if (value === undefined && arg !== flag) continue;
    if (!value || value.startsWith('--')) throw new Error(`${flag}: expected a file path`);
    return resolve(value);
  }
  return undefined;
}

function main(): void {
  const argv = process.argv.slice(2);
  let configPath: string;
  let outputPath: string;
  try {
    configPath = pathFlag(argv, '--config') ?? CONFIG_PATH;
    outputPath = pathFlag(argv, '--out') ?? OUTPUT_PATH;
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const shown = relative(process.cwd(), outputPath) || outputPath;
  const check = argv.includes('--check');
  let composed: ReturnType<typeof composeSupergraph>;
  try {
    composed = composeSupergraph(readSupergraphConfig(configPath));
  } catch (error) {
    console.error(`--config: cannot read ${configPath}: ${(error as Error).message}`);
    process.exit(1);
  }
  const { supergraphSdl, errors } = composed;
  if (!supergraphSdl) {
    console.error(`composition failed:\n${errors.map((message) => `  - ${message}`).join('\n')}`);
    process.exit(1);
  }
  const output = `${supergraphSdl.trimEnd()}\n`;
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(outputPath, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed !== output) {
      console.error(`${shown} is stale or was edited by hand: run \`npm run compose\` and commit the result`);
      process.exit(1);
    }
    console.log(`${shown} is up to date`);
    return;
  }
  // Atomically: a gateway polling the file (hot reload) never reads half a supergraph.
  writeFileAtomicallySync(outputPath, output);
  console.log(`wrote ${shown} (${output.length} bytes)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
