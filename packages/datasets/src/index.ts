// Public API of @loom-ml/datasets: an explicit list of named re-exports. It runs anywhere:
// datasets from bytes, Blobs, fetch Responses and URLs. The loaders that read the files shipped
// with the package (or on disk) are in './node.ts' (the '@loom-ml/datasets/node' entry).
export { LoomError, DatasetError } from './errors.js';
export { mnistFromIdx, fetchMnist, FASHION_MNIST_CLASSES } from './image-dataset.js';
export type { ImageDataset } from './image-dataset.js';
export type { FetchOptions } from './fetch-options.js';
export { imdbFromReviews, fetchImdb } from './imdb.js';
export type { ImdbSplitOptions, TextDataset } from './imdb.js';
export { movieLensSmallFromCsv, MOVIELENS_100K_GENRES } from './movielens-small.js';
export type { Ratings, Movie, MovieLensData } from './movielens-small.js';
export { lendingClubFromCsv, shuttleFromCsv, fineFoodsFromCsv, creditCardFraudFromCsv, SHUTTLE_CLASSES } from './tabular-datasets.js';
export type { FromCsvOptions, LendingClubLoan, ShuttleData, FineFoodReview, CreditCardFraudData } from './tabular-datasets.js';
export { banking77FromCsv, intentsFromCsv, BANKING77_INTENTS } from './intents.js';
export type { IntentDataset, IntentCsvOptions } from './intents.js';
export { imageDatasetToTensors } from './to-tensors.js';
