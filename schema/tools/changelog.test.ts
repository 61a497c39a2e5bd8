import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChangelog } from './changelog.js';

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])\n`;

/** A one-subgraph supergraph whose Customer carries `fields` (each already with its directives). */
function supergraph(fields: string): string {
  const sdl = /* GraphQL */ `${LINK}
    type Query { customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]]) }
    type Customer @key(fields: "id") {
      id: ID! @requiresScopes(scopes: [["crm:read"]])
      ${fields}
    }`;
  const result = composeServices([{ name: 'crm', url: 'http://crm.test/graphql', typeDefs: parse(sdl) }]);
  if (!result.supergraphSdl) throw new Error(result.errors?.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

const NAME = 'name: String! @requiresScopes(scopes: [["crm:read"]])';
const PHONE = 'phone: String @requiresScopes(scopes: [["crm:read"]])';
const VERSIONS = [
  { subject: 'Start the CRM graph', sdl: supergraph(NAME) },
  { subject: 'Add Customer.phone', sdl: supergraph(`${NAME}\n${PHONE}`) },
  { subject: 'Deprecate Customer.phone', sdl: supergraph(`${NAME}\n${PHONE} @deprecated(reason: "Use the contact API; removal 2027-01-01")`) },
  { subject: 'Remove Customer.phone, guard Customer.name with pii:read', sdl: supergraph('name: String! @requiresScopes(scopes: [["crm:read", "pii:read"]])') },
];

function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** A repository whose schema/supergraph.graphql went through `versions`, one commit each, dated day by day. */
function repository(dir: string, versions: readonly { subject: string; sdl: string }[]): void {
  mkdirSync(join(dir, 'schema'), { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  versions.forEach(({ subject, sdl }, index) => {
    writeFileSync(join(dir, 'schema', 'supergraph.graphql'), sdl);
    git(dir, 'add', 'schema/supergraph.graphql');
    const date = `2026-01-0${index + 1}T12:00:00+00:00`;
    git(dir, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', subject, `--date=${date}`);
  });
}

async function changelog(...args: string[]) {
  const output = { code: 0, stdout: '', stderr: '' };
  output.code = await runChangelog(args, { out: (text) => (output.stdout += text), err: (text) => (output.stderr += text) });
  return output;
}

/** `## heading` → the lines under it, up to the next section. */
function sections(markdown: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const chunk of markdown.split('\n## ').slice(1)) {
    const [heading = '', ...body] = chunk.split('\n');
    result.set(heading, body.join('\n').trim());
  }
  return result;
}

let root: string;
let repo: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bizgraph-changelog-'));
  repo = join(root, 'repo');
  repository(repo, VERSIONS);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run changelog', () => {
  it('writes one section per commit, newest first: diff, policy, and a summary of the first version', async () => {
    expect(await changelog('--repo', repo)).toMatchObject({ code: 0, stderr: '' });
    const hashes = git(repo, 'log', '--format=%h').split('\n');
    const written = sections(readFileSync(join(repo, 'schema', 'CHANGELOG.md'), 'utf8'));
    expect([...written.keys()]).toEqual([
      `2026-01-04 · \`${hashes[0]}\` · Remove Customer.phone, guard Customer.name with pii:read`,
      `2026-01-03 · \`${hashes[1]}\` · Deprecate Customer.phone`,
      `2026-01-02 · \`${hashes[2]}\` · Add Customer.phone`,
      `2026-01-01 · \`${hashes[3]}\` · Start the CRM graph`,
    ]);
    const [removed, deprecated, added, first] = [...written.values()];
    expect(removed).toBe(
      [
        '1 breaking, 0 dangerous, 0 safe; 1 policy change.',
        '',
        '### Breaking',
        '',
        "- `Customer.phone`: Field 'phone' (deprecated) was removed from object type 'Customer'",
        '',
        '### Policy',
        '',
        '- `Customer.name` narrowed: `crm:read` → `crm:read AND pii:read`',
      ].join('\n'),
    );
    expect(deprecated).toBe(
      [
        '0 breaking, 0 dangerous, 3 safe; 0 policy changes.',
        '',
        '### Safe',
        '',
        "- `Customer.phone.@deprecated`: Directive 'deprecated' was added to field 'Customer.phone'",
        "- `Customer.phone.@deprecated`: Field 'Customer.phone' is deprecated",
        "- `Customer.phone.@deprecated.reason`: Argument 'reason' was added to '@deprecated'",
      ].join('\n'),
    );
    expect(added).toBe(
      ['0 breaking, 0 dangerous, 1 safe; 0 policy changes.', '', '### Safe', '', "- `Customer.phone`: Field 'phone' was added to object type 'Customer'"].join('\n'),
    );
    expect(first).toBe('First version: 2 types, 3 fields.');
  });

  it('is deterministic and puts an uncommitted change first, as Unreleased', async () => {
    const once = (await changelog('--repo', repo, '--stdout')).stdout;
    expect((await changelog('--repo', repo, '--stdout')).stdout).toBe(once);
    const path = join(repo, 'schema', 'supergraph.graphql');
    const committed = readFileSync(path, 'utf8');
    writeFileSync(path, supergraph('name: String! @requiresScopes(scopes: [["crm:read"]])'));
    try {
      const result = await changelog('--repo', repo, '--stdout');
      const [heading, body] = [...sections(result.stdout)][0]!;
      expect(heading).toBe('Unreleased (working tree)');
      expect(body).toBe(['0 breaking, 0 dangerous, 0 safe; 1 policy change.', '', '### Policy', '', '- `Customer.name` widened: `crm:read AND pii:read` → `crm:read`'].join('\n'));
    } finally {
      writeFileSync(path, committed);
    }
  });

  it('says the history is truncated in a shallow clone and summarises its oldest version', async () => {
    const clone = join(root, 'shallow');
    git(root, 'clone', '--quiet', '--depth', '2', `file://${repo}`, clone);
    const written = [...sections((await changelog('--repo', clone, '--stdout')).stdout)];
    expect(written.map(([heading]) => heading.split(' · ')[2])).toEqual(['Remove Customer.phone, guard Customer.name with pii:read', 'Deprecate Customer.phone']);
    expect(written[1]![1]).toBe('History truncated (shallow clone): earlier versions are not available here, so this version is summarised.\n\nFirst version: 2 types, 4 fields.');
  });

  it('reports a version that is not a readable supergraph as "could not be compared" instead of failing', async () => {
    const early = join(root, 'early');
    repository(early, [{ subject: 'Hand-written draft', sdl: 'type Query { customer: String }\n' }, VERSIONS[0]!]);
    const written = [...sections((await changelog('--repo', early, '--stdout')).stdout).values()];
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^Could not be compared with the previous version: .+/);
    expect(written[1]).toMatch(/^First version: could not be read \(.+\)\.$/);
  });

  it('exits 1 with a clear message outside a git repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'bizgraph-not-git-'));
    try {
      const result = await changelog('--repo', outside);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `changelog: ${outside} is not inside a git repository: the changelog is built from the git history of schema/supergraph.graphql\n`,
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
