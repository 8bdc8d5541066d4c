// Public API of @loom-ml/optimizers: an explicit list of named re-exports.
export type { GradientTransformation, OptState, Params, ScalarOrSchedule, Schedule, UpdateExtras } from './types.js';
export { LoomError, OptimizerError } from './errors.js';

export { chain } from './chain.js';
export { applyUpdates } from './apply-updates.js';
export { Optimizer } from './optimizer.js';
export { FUSED_UPDATE_KERNELS, useFusedUpdates } from './fused-updates.js';
export { serializeOptState, deserializeOptState, validateSerializedOptState } from './serialize-state.js';
export type { SerializedNode, SerializedOptState, SerializedTensor } from './serialize-state.js';

export { scale, scaleBySchedule } from './scale.js';
export type { ScaleByScheduleState } from './scale.js';
export { scaleByLearningRate } from './scale-by-learning-rate.js';
export { traceMomentum } from './trace-momentum.js';
export type { TraceMomentumOptions, TraceState } from './trace-momentum.js';
export { scaleByAdam } from './scale-by-adam.js';
export type { AdamState, ScaleByAdamOptions } from './scale-by-adam.js';
export { scaleByRms, scaleByStddev } from './scale-by-rms.js';
export type { RmsState, ScaleByRmsOptions, StddevState } from './scale-by-rms.js';
export { scaleByRss } from './scale-by-rss.js';
export type { RssState, ScaleByRssOptions } from './scale-by-rss.js';
export { scaleByLion } from './scale-by-lion.js';
export type { LionState, ScaleByLionOptions } from './scale-by-lion.js';
export { clipByValue } from './clip-by-value.js';
export { clipByGlobalNorm, globalNorm } from './clip-by-global-norm.js';
export { addDecayedWeights, decayMatricesOnly } from './add-decayed-weights.js';
export type { AddDecayedWeightsOptions, ParamMask } from './add-decayed-weights.js';

export { sgd } from './sgd.js';
export type { SgdOptions } from './sgd.js';
export { adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { adamw } from './adamw.js';
export type { AdamWOptions } from './adamw.js';
export { rmsprop } from './rmsprop.js';
export type { RmspropOptions } from './rmsprop.js';
export { adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { lion } from './lion.js';
export { getOptimizer } from './get-optimizer.js';
export type { LionOptions } from './lion.js';

export {
  constantSchedule,
  cosineDecaySchedule,
  cosineOneCycleSchedule,
  exponentialDecay,
  linearSchedule,
  piecewiseConstantSchedule,
  stepDecaySchedule,
  warmupCosineDecaySchedule,
} from './schedules.js';
export type {
  CosineDecayOptions,
  ExponentialDecayOptions,
  LinearScheduleOptions,
  OneCycleOptions,
  PiecewiseConstantOptions,
  StepDecayOptions,
  WarmupCosineDecayOptions,
} from './schedules.js';
export { reduceOnPlateau } from './reduce-on-plateau.js';
export type { ReduceOnPlateauOptions, ReduceOnPlateauState } from './reduce-on-plateau.js';

export { multiSteps } from './multi-steps.js';
export type { MultiStepsState } from './multi-steps.js';
export { ema } from './ema.js';
export type { EmaOptions, EmaState } from './ema.js';
export { ParameterEma } from './parameter-ema.js';

export { differentiallyPrivateAggregate, dpSgd, privatizePerExampleGradients } from './dp-aggregate.js';
export type { DpAggregateState, DpSgdOptions, PrivatizeOptions } from './dp-aggregate.js';
export { perExampleGradients } from './per-example-gradients.js';
export {
  computeRdpSampledGaussian,
  DEFAULT_RDP_ORDERS,
  dpSgdEpsilon,
  RdpAccountant,
  rdpToEpsilon,
  sampledGaussianEpsilon,
} from './rdp-accountant.js';
export type { DpSgdPrivacyOptions, RdpConversion, RdpOptions, SampledGaussianPrivacyOptions } from './rdp-accountant.js';
