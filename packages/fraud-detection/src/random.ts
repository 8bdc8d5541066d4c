// One seeded generator for the whole toolkit: @loom-ml/core's mulberry32.
export { seededRandom } from '@loom-ml/core';
