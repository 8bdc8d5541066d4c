// Public API of @loom-ml/explain: an explicit list of named re-exports. Runs anywhere (no Node builtin).
export { ExplainError, LoomError } from './errors.js';
export { AttributionArray } from './attributions.js';
export type { ApplyModel, ModelFunction, ExplainableModel, TargetOptions } from './model-scores.js';
export { saliency, integratedGradients, smoothGrad, quadrature } from './gradient-methods.js';
export type {
  BaselineValue,
  ScoredRows,
  SaliencyOptions,
  IntegrationRule,
  IntegratedGradientsOptions,
  IntegratedGradientsResult,
  SmoothGradOptions,
  SmoothGradResult,
} from './gradient-methods.js';
export { embeddingAttributions } from './embedding-attributions.js';
export type { EmbeddingAttributionsOptions, EmbeddingAttributionsResult, ModelWithLayers, SplitTextModel } from './embedding-attributions.js';
export { occlusion, occludeTokens } from './occlusion.js';
export type { OcclusionOptions, OcclusionPatch, OcclusionResult, TokenOcclusionOptions, TokenOcclusionResult } from './occlusion.js';
export { occludeFeatures, kernelShap } from './tabular.js';
export type { TabularRow, ScoreRows, FeatureAttribution, FeatureOcclusionOptions, FeatureOcclusionResult, KernelShapOptions, KernelShapResult } from './tabular.js';
