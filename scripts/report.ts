import { ConfigError, readInt, readOptionalUrl } from '../common/config.js';
import { projectPath } from '../common/project-root.js';

/**
 * `npm run report`: the executive report's development server, for whoever works on the report.
 * Vite serves `apps/explorer/report.html` from the sources with hot reload on
 * http://127.0.0.1:REPORT_PORT/report.html and passes `/graphql` and `/explorer/*` (the dev
 * token presets) to the gateway at GATEWAY_URL, so the page calls the same origin as when the
 * gateway serves it at /report. It does not start the gateway: run `npm start` beside it.
 */
const DEFAULT_GATEWAY = 'http://127.0.0.1:4000';

let gateway: string;
let port: number;
try {
  gateway = (readOptionalUrl(process.env, 'GATEWAY_URL', ['http:', 'https:']) ?? DEFAULT_GATEWAY).replace(/\/$/, '');
  port = readInt(process.env, 'REPORT_PORT', 5173, { min: 1, max: 65535 });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`report: ${error.message}`);
  process.exit(2);
}

const reachable = await fetch(`${gateway}/healthz`).then(
  (response) => response.ok,
  () => false,
);
const { createServer } = await import('vite');
const server = await createServer({
  root: projectPath('apps/explorer'),
  configFile: false,
  logLevel: 'warn',
  // Only the report's dependencies: the explorer's (Monaco's workers) need the production build's handling.
  optimizeDeps: { entries: ['report.html'] },
  server: {
    host: '127.0.0.1',
    port,
    strictPort: true,
    open: false,
    proxy: { '/graphql': gateway, '/explorer/config': gateway, '/explorer/dev-token': gateway },
    // The report imports its typed operations and the safelist from schema/ (outside the app's root).
    fs: { allow: [projectPath('.')] },
  },
});
await server.listen();
console.log(`executive report: http://127.0.0.1:${port}/report.html (from the sources, hot reload)`);
console.log(`figures from the gateway at ${gateway}${reachable ? '' : ' — not answering now: start it with `npm start`'}`);
console.log('the gateway serves the built report itself at /report; Ctrl-C stops this server');
