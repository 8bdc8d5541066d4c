import { defineProject } from 'vitest/config';

// Standalone on purpose: a copy of this app outside the monorepo runs its tests with this file.
export default defineProject({
  test: {
    name: 'app-text-generation',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Shared 2-core CI: allow slow runs (the root config's timeouts are not inherited).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
  },
});
