import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import YAML from 'yaml';

/**
 * Offline composition of schema/supergraph.yaml (rover's format) into the committed
 * schema/supergraph.graphql. `--check` composes in memory and fails when the committed file is
 * stale or composition fails, so CI catches a subgraph change nobody composed.
 */
const SCHEMA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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

function main(): void {
  const check = process.argv.includes('--check');
  const { supergraphSdl, errors } = composeSupergraph(readSupergraphConfig());
  if (!supergraphSdl) {
    console.error(`composition failed:\n${errors.map((message) => `  - ${message}`).join('\n')}`);
    process.exit(1);
  }
  const output = `${supergraphSdl.trimEnd()}\n`;
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(OUTPUT_PATH, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed !== output) {
      console.error('schema/supergraph.graphql is stale or was edited by hand: run `npm run compose` and commit the result');
      process.exit(1);
    }
    console.log('schema/supergraph.graphql is up to date');
    return;
  }
  writeFileSync(OUTPUT_PATH, output);
  console.log(`wrote schema/supergraph.graphql (${output.length} bytes)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
