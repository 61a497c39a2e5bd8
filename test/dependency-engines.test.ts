import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../common/project-root.js';

/**
 * Issue 18, point 8: every package the lockfile installs supports the Node versions package.json
 * promises (`engines.node`, >=20.19) and the one running, so `npm ci` prints no EBADENGINE warning.
 * A dependency update that pulls in a Node 22-only package fails here, naming it, instead of
 * warning in an install log nobody reads.
 */
const satisfies = (createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean }).satisfies;

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

const lock = JSON.parse(readFileSync(projectPath('package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const manifest = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { engines: { node: string } };

/** The lowest version the project's own `engines.node` (`>=20.19`) admits. */
const OLDEST_SUPPORTED = '20.19.0';

describe('installed packages and the Node versions bizgraph supports', () => {
  it(`declares >=${OLDEST_SUPPORTED.replace(/\.0$/, '')}, and this machine's Node meets it`, () => {
    expect(manifest.engines.node).toBe('>=20.19');
    expect(satisfies(process.version, manifest.engines.node)).toBe(true);
  });

  it('installs no package whose engines exclude Node 20.11 or the running Node', () => {
    const entries = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));
    expect(entries.length).toBeGreaterThan(500);
    const excluding = entries.flatMap(([path, entry]) => {
      const range = !entry.engines || Array.isArray(entry.engines) ? undefined : entry.engines.node;
      if (range === undefined) return [];
      const fits = satisfies(OLDEST_SUPPORTED, range) && satisfies(process.version, range);
      return fits ? [] : [`${path.replace(/^.*node_modules\//, '')}@${entry.version} requires node ${range}`];
    });
    expect(excluding).toEqual([]);
  });
});
