import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';
import { ROOT } from './lib/processes.js';

/**
 * Regenerates in memory every file `npm run codegen` writes (the subgraphs' resolver types,
 * `schema/api-schema.graphql`, each client's typed documents) and compares it with the committed
 * file, so a hand edit, a composed supergraph or a changed operation without `npm run codegen`
 * fails CI. Writes nothing.
 */
const outputs = (await generate({ ...config, silent: true, cwd: ROOT }, false)) as Array<{ filename: string; content: string }>;
const drifted = outputs.filter(({ filename, content }) => {
  try {
    return readFileSync(resolve(ROOT, filename), 'utf8') !== content;
  } catch {
    return true;
  }
});
if (drifted.length > 0) {
  console.error(`generated files drifted from their schemas (run \`npm run codegen\` and commit):\n${drifted.map((file) => `  - ${file.filename}`).join('\n')}`);
  process.exit(1);
}
console.log(`${outputs.length} generated files are up to date`);
