import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject } from '../../scripts/lib/build.js';
import { buildExplorer } from '../../scripts/lib/explorer-build.js';
import { ROOT } from '../../scripts/lib/processes.js';

/**
 * Vitest globalSetup, before the shared stacks: compiles the working tree and the fixture servers
 * of test/fixtures once (under a second) into a `.data/test-build-…` directory of its own (removed
 * after the run), and every process the tests start runs from it (`BIZGRAPH_BUILD_DIR`, see
 * `nodeArgsFor` in scripts/lib/processes.ts) instead of paying `tsx`'s start-up each time: about
 * 1.5 s of CPU per process, hundreds of processes per run. Built at every run, so it is never stale;
 * an entry written during the run (a scaffolded subgraph) is not in it and runs through `tsx`.
 * `BIZGRAPH_TEST_BUILD=off` runs every process from its TypeScript source, as before. It also
 * names the run's directory for seeded databases (`BIZGRAPH_TEST_SEEDED_DIR`, ./seeded-data.ts).
 */
export default async function setup(): Promise<() => void> {
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  // Where the first stack of the run leaves the seeded databases for the others (./seeded-data.ts).
  const seededDir = mkdtempSync(join(ROOT, '.data', 'test-seeded-'));
  process.env.BIZGRAPH_TEST_SEEDED_DIR = seededDir;
  const removeSeeded = () => rmSync(seededDir, { recursive: true, force: true });
  // The explorer's static files, before any gateway starts (a gateway reads them once); rebuilt only when apps/explorer changed.
  await buildExplorer(join(ROOT, '.data', 'explorer'));
  if (process.env.BIZGRAPH_TEST_BUILD === 'off') return removeSeeded;
  const outDir = mkdtempSync(join(ROOT, '.data', 'test-build-'));
  // Each fixture folder's server.ts is a process the tests start, bundled like the services.
  const fixtureServers = readdirSync(join(ROOT, 'test/fixtures'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'test/fixtures', entry.name, 'server.ts')))
    .map((entry) => `test/fixtures/${entry.name}/server.ts`);
  await buildProject(outDir, { extraDirs: ['test/fixtures'], extraServices: fixtureServers });
  // Forked test workers start after global setup and inherit this.
  process.env.BIZGRAPH_BUILD_DIR = outDir;
  return () => {
    rmSync(outDir, { recursive: true, force: true });
    removeSeeded();
  };
}
