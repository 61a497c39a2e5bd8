import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql for all: Vite would give our sources graphql's ESM build while CommonJS packages
    // (@apollo/*, @graphql-inspector/core) load its CommonJS build, and graphql refuses objects
    // "from another module or realm". Node (tsx, the real processes) loads the CommonJS build too.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**', 'dist/**'],
    // Cross-process tests start real servers; two workers match the machine's two cores.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Lends default stacks to files that only read (test/helpers/shared-stack.ts); starts none until asked.
    globalSetup: ['test/helpers/build-for-tests.ts', 'test/helpers/shared-stack-server.ts'],
  },
});
