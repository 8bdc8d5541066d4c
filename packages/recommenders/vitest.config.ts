import { defineLoomProject } from '@loom-ml/test-utils/vitest-project';

// BPR, WARP and two-tower tests train small models on the cpu backend: a few seconds alone,
// several times that on a busy shared 2-core machine, so allow more than vitest's 5 s default.
export default defineLoomProject({ name: 'recommenders', test: { testTimeout: 30_000 } });
