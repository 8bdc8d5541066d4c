import { defineProject } from 'vitest/config';

// The README examples (src/readme-examples.test.ts) and the tests of the block reader. The
// examples run in child processes and pages, so this project registers no tfjs backend.
export default defineProject({
  test: {
    name: 'readme-examples',
    include: ['src/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 600_000,
  },
});
