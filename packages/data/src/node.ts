// Public API of @loom-ml/data/node: readers of files on disk (Node.js only). Everything else,
// including CSV and IDX from text, bytes, Blobs, fetch Responses and streams, is in the main
// entry, which never imports a Node builtin.
export { readCsvFile } from './node/read-csv-file.js';
export { readIdxFile } from './node/read-idx-file.js';
export type { ReadIdxFileOptions } from './node/read-idx-file.js';
