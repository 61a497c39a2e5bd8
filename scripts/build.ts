import { join, resolve } from 'node:path';
import { isInsideProject, PROJECT_ROOT } from '../common/project-root.js';
import { buildProject } from './lib/build.js';
import { buildExplorer } from './lib/explorer-build.js';

/**
 * `npm run build`: every process compiled to JavaScript in `dist/`, so production runs
 * `node dist/<entry>.js` (no TypeScript at run time), and the explorer's page into `dist/explorer`. `--out <dir>` builds into another directory inside the project.
 */
const outFlag = process.argv.indexOf('--out');
const outDir = resolve(outFlag > 0 && process.argv[outFlag + 1] ? process.argv[outFlag + 1]! : join(PROJECT_ROOT, 'dist'));
// A built module finds the project (its schema/, node_modules/) by walking up to package.json.
if (!isInsideProject(outDir)) {
  console.error(`build: --out must be a directory inside the project (${PROJECT_ROOT}), got ${outDir}`);
  process.exit(2);
}
const result = await buildProject(outDir);
console.log(`built ${result.modules} modules (${result.services} services bundled) and ${result.assets} assets into ${result.outDir} in ${result.ms} ms`);
// The explorer's static files, where a gateway run from this build looks for them (<build>/explorer).
const explorer = await buildExplorer(join(outDir, 'explorer'));
console.log(`built the explorer into ${explorer.outDir} in ${explorer.ms} ms`);
