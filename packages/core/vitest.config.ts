import { defineLoomProject } from '@loom-ml/test-utils/vitest-project';

// Nothing here touches tensors, so no backend is registered.
export default defineLoomProject({ name: 'core', cpuBackend: false });
