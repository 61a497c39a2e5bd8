/**
 * Starting real processes, for tests beside the code: a subgraph's own tests may import
 * `test/helpers/` but never `scripts/` (eslint.config.js), so they reach the launcher here.
 */
export { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
