import { defineLoomProject } from './src/vitest-project.js';

export default defineLoomProject({ name: 'test-utils' });
