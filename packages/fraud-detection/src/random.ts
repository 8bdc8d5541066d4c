// One seeded generator for the whole toolkit: @loom-ml/data's mulberry32.
export { seededRandom } from '@loom-ml/data';
