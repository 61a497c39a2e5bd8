// Lint: the import boundaries between the parts of the repository, plus a few TypeScript rules
// the code already keeps. Formatting is Prettier's job, types are tsc's; nothing here is type-aware,
// so `npm run lint` stays a few seconds.
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/** What each part must not import: a layer reaches the ones beside it over HTTP, never by import. */
const FORBIDDEN = {
  gateway: ['subgraphs', 'systems', 'scripts', 'test'],
  subgraphs: ['gateway', 'systems', 'scripts', 'test'],
  systems: ['subgraphs', 'gateway'],
  common: ['gateway', 'subgraphs', 'systems', 'scripts', 'test', 'schema', 'bench'],
};

/**
 * The boundary rule's options. `except` maps a forbidden folder to paths inside it that stay
 * importable (relative to that folder), for the blocks below that narrow the rule.
 */
function boundaries(except = {}) {
  const zones = Object.entries(FORBIDDEN).flatMap(([target, froms]) =>
    froms.map((from) => ({ target: `./${target}`, from: `./${from}`, except: except[from] ?? [], message: `${target}/ must not import ${from}/.` })),
  );
  return ['error', { basePath: ROOT, zones }];
}

export default defineConfig([
  { name: 'bizgraph/ignores', ignores: ['**/node_modules/', '**/__generated__/', '**/.data/', '**/dist/'] },
  {
    name: 'bizgraph/typescript',
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      // Sources import `./x.js` for `./x.ts` (NodeNext); the resolver must map it or the boundary rule sees nothing.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-restricted-paths': boundaries(),
      // An unresolved relative import would slip past the boundary rule; packages are tsc's concern.
      'import-x/no-unresolved': ['error', { ignore: ['^[^.]'] }],
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-non-null-asserted-optional-chain': 'error',
      '@typescript-eslint/no-require-imports': 'error',
      '@typescript-eslint/no-unsafe-function-type': 'error',
      '@typescript-eslint/no-wrapper-object-types': 'error',
      '@typescript-eslint/prefer-as-const': 'error',
      eqeqeq: ['error', 'smart'],
      'no-debugger': 'error',
      'no-var': 'error',
    },
  },
  {
    name: 'bizgraph/tests-may-use-test-helpers',
    files: ['**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': boundaries({ test: ['./helpers'] }) },
  },

  // The SQL subgraphs host their system's database in embedded mode (PGlite in the subgraph's
  // process, DESIGN.md), so they apply that system's own definition of it: migrations, seed and key
  // formats, from systems/<name>/, and the deterministic data set it is seeded with. Nothing else
  // of systems/ is theirs to import; the REST subgraphs reach their systems over HTTP only.
  ...crossing(['subgraphs/erp/**/*.ts'], { systems: ['./erp/migrations.ts', './erp/seed.ts', './erp/keys.ts', './seed'] }),
  ...crossing(['subgraphs/billing/**/*.ts'], { systems: ['./billing/migrations.ts', './billing/seed.ts', './seed'] }),
  // Tests compare answers with the seed's ground truth (systems/seed), never with typed-in values.
  ...crossing(['subgraphs/**/*.test.ts'], { systems: ['./seed'], test: ['./helpers'] }),
  ...crossing(['subgraphs/erp/**/*.test.ts'], { systems: ['./erp/migrations.ts', './erp/seed.ts', './erp/keys.ts', './seed'], test: ['./helpers'] }),
  ...crossing(['subgraphs/billing/**/*.test.ts'], { systems: ['./billing/migrations.ts', './billing/seed.ts', './seed'], test: ['./helpers'] }),
]);

/** One block that lifts the boundary for `except`'s paths in `files` only (a later block wins for a file both match). */
function crossing(files, except) {
  return [{ name: `bizgraph/crossing ${files.join(' ')}`, files, rules: { 'import-x/no-restricted-paths': boundaries(except) } }];
}
