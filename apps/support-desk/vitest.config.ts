import { defineProject } from 'vitest/config';

// Standalone on purpose: a copy of this app outside the monorepo (tools/scripts/copy-app.mjs)
// runs its tests with this file, so it uses nothing private to the repository.
export default defineProject({
  test: {
    name: 'app-support-desk',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Shared 2-core CI: allow slow runs (the root config's timeouts are not inherited).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
  },
});
