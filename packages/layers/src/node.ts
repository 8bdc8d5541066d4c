// Public API of @loom-ml/layers/node: the Node.js-only functions (files and folders). Everything
// else, including the in-memory and browser save/load, is imported from '@loom-ml/layers'.
export { saveModel, loadModel } from './node/files.js';
export { readTfjsModel } from './node/read-tfjs-model.js';
export type { ReadTfjsModelOptions } from './node/read-tfjs-model.js';
