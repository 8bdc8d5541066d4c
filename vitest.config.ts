import { defineConfig } from 'vitest/config';

// One vitest run over every workspace project, so CI prints one summary.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'tools/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Unpacks the browser tests' Chromium once, before the forks start (see the file).
    globalSetup: ['tools/test-utils/src/browser/global-setup.ts'],
    // The JSON report lets .ci/run print a plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/loom/vitest-results.json' }]],
  },
});
