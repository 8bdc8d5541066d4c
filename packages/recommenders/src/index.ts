// Public API of @loom-ml/recommenders: an explicit list of named re-exports. It runs anywhere
// (save/load to IndexedDB, downloads, URLs and bytes included); file paths are in './node.ts'
// (the '@loom-ml/recommenders/node' entry).
export { LoomError, RecommenderError } from './errors.js';
export { IdMapping, type ExternalId, type IdMappingJson } from './id-mapping.js';
export { CsrMatrix, type DuplicatePolicy, type FromTripletsOptions } from './csr-matrix.js';
export {
  buildInteractions,
  type InteractionEvent,
  type Interactions,
  type BuildInteractionsOptions,
} from './interactions.js';
export {
  confidenceWeight,
  bm25Weight,
  tfidfWeight,
  type ConfidenceOptions,
  type ConfidenceScaling,
  type Bm25Options,
} from './weighting.js';
export {
  randomSplit,
  leaveKOut,
  timeSplit,
  type InteractionSplit,
  type SplitOptions,
  type RandomSplitOptions,
  type LeaveKOutOptions,
  type TimeSplitOptions,
} from './splits.js';
export { selectTopK, TopKIndex, type TopK, type IndexMetric } from './top-k.js';
export {
  type Recommender,
  type Recommendation,
  type RecommendOptions,
  type RecommendFromItemsOptions,
} from './recommender.js';
export { PopularityRecommender } from './popularity.js';
export { ItemKnnRecommender, type ItemKnnOptions, type ItemKnnWeighting } from './item-knn.js';
export { ImplicitAls, type ImplicitAlsOptions, type AlsEpochReport } from './implicit-als.js';
export { ExplicitMf, type ExplicitMfOptions, type ExplicitMfEpochReport } from './explicit-mf.js';
export {
  PairwiseMf,
  type PairwiseMfOptions,
  type PairwiseEpochReport,
  type ResolvedPairwiseOptions,
  type TrainingState,
} from './pairwise-mf.js';
export { BprMf, type BprMfOptions } from './bpr-mf.js';
export { WarpMf, type WarpMfOptions } from './warp-mf.js';
export { NegativeSampler } from './negative-sampling.js';
export { TwoTower, type TwoTowerOptions, type TwoTowerFitData, type ResolvedTwoTowerOptions } from './two-tower.js';
export { inBatchSoftmaxLoss, type InBatchSoftmaxOptions } from './in-batch-softmax.js';
export { multiHotEncode, type MultiHotEncoding } from './multi-hot.js';
export {
  evaluateRecommender,
  formatMetricsTable,
  type RecommenderMetrics,
  type EvaluateOptions,
} from './evaluate.js';
export {
  serializeRecommender,
  deserializeRecommender,
  type DeserializeRecommenderOptions,
  type SavableRecommender,
  type SerializedRecommenderJson,
  type LoadedRecommender,
} from './serialization.js';
export { saveRecommender, loadRecommender, type LoadRecommenderOptions } from './recommender-storage.js';
export { createRng, seededRandom } from './rng.js';
