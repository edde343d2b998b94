import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: 'web',
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
  test: {
    root: '.',
    include: ['server/**/*.test.ts', 'seeds/**/*.test.ts', 'web/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Store tests open files on disk and the browser tests drive Chromium: keep the two cores for them.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
