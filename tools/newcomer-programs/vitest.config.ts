import { defineLoomProject } from '@loom-ml/test-utils/vitest-project';

export default defineLoomProject({ name: 'newcomer-programs' });
