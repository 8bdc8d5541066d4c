// Public API of @loom-ml/export/node: the Node.js-only functions (files). Everything else is
// imported from '@loom-ml/export'.
export { writeTfjsModel, writeOnnxModel } from './node/write-files.js';
