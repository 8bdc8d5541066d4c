import { defineLoomProject } from '@loom-ml/test-utils/vitest-project';

// The sample program brings its own backend (initWasm) in the page; Node needs none.
export default defineLoomProject({ name: 'bundlers', cpuBackend: false });
