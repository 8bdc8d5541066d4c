// Public API of @loom-ml/datasets: an explicit list of named re-exports.
export { LoomError, DatasetError } from './errors.js';
export { loadMnist, loadIdxImageDataset, mnistDataDirectory } from './mnist.js';
export type { MnistOptions, ImageDataset } from './mnist.js';
export { loadImdb, imdbDataFile } from './imdb.js';
export type { ImdbOptions, TextDataset } from './imdb.js';
export { shippedDataFile } from './shipped-data.js';
export { loadMovieLensSmall } from './movielens-small.js';
export type { Ratings, Movie, MovieLensData } from './movielens-small.js';
export { loadLendingClub, loadShuttle, loadFineFoods, SHUTTLE_CLASSES } from './tabular-datasets.js';
export type { LendingClubLoan, ShuttleData, FineFoodReview } from './tabular-datasets.js';
export { loadMovieLens100k, loadMovieLens1m, loadCreditCardFraud, loadFashionMnist, MOVIELENS_100K_GENRES, FASHION_MNIST_CLASSES } from './user-downloaded.js';
export type { CreditCardFraudData } from './user-downloaded.js';
export { imageDatasetToTensors } from './to-tensors.js';
