import { join } from 'node:path';
import { PROJECT_ROOT } from '../common/project-root.js';
import { buildProject } from './lib/build.js';

/**
 * `npm run build`: every process compiled to JavaScript in `dist/`, so production runs
 * `node dist/<entry>.js` (no TypeScript at run time). `--out <dir>` builds elsewhere.
 */
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 && process.argv[outFlag + 1] ? process.argv[outFlag + 1]! : join(PROJECT_ROOT, 'dist');
const result = await buildProject(outDir);
console.log(`built ${result.modules} modules and ${result.assets} assets into ${result.outDir} in ${result.ms} ms`);
