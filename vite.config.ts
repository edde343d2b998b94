import { defineConfig } from 'vitest/config';

/**
 * Every test runs on the embedded store; the tests that touch a store run a
 * second time on Neo4j (project "neo4j", which sets ECOGRAPH_TEST_STORE). Neo4j
 * Community has one database and each of those tests wipes it, so that project
 * runs after the embedded one, one file at a time. Without NEO4J_URI its tests
 * report as skipped.
 */
const STORE_TESTS = [
  'server/store/test/contract.test.ts',
  'server/store/test/projection-read.test.ts',
  'server/import/test/import-bundle.test.ts',
  'server/import/test/crash.test.ts',
  'server/import/test/windowed.test.ts',
  'server/api/test/*.test.ts',
  'server/store/test/neo4j-faults.test.ts',
];

export default defineConfig({
  root: 'web',
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
  test: {
    root: '.',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['./server/test/temp-root.ts'],
    reporters: ['default', './scripts/test-counts-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'embedded',
          include: ['server/**/*.test.ts', 'seeds/**/*.test.ts', 'web/test/**/*.test.ts'],
          exclude: ['server/store/test/neo4j-faults.test.ts'],
          env: { ECOGRAPH_TEST_STORE: 'embedded' },
          // Store tests open files on disk and the browser tests drive Chromium: keep the two cores for them.
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'neo4j',
          include: STORE_TESTS,
          env: { ECOGRAPH_TEST_STORE: 'neo4j' },
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
