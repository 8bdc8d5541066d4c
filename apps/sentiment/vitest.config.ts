import { defineProject } from 'vitest/config';

// Standalone on purpose: a copy of this app outside the monorepo runs its tests with this file.
export default defineProject({
  test: {
    name: 'app-sentiment',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
  },
});
