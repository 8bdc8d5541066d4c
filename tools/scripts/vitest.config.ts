import { defineProject } from 'vitest/config';

// Tests of the repository scripts (no tfjs, no backend).
export default defineProject({
  test: { name: 'scripts', include: ['*.test.mjs'] },
});
