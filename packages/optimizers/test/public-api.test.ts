import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('public API', () => {
  it('is exactly the documented list of runtime exports', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'LoomError', 'OptimizerError', 'chain', 'applyUpdates', 'Optimizer', 'FUSED_UPDATE_KERNELS', 'useFusedUpdates', 'serializeOptState', 'deserializeOptState', 'validateSerializedOptState',
        'scale', 'scaleBySchedule', 'scaleByLearningRate', 'traceMomentum', 'scaleByAdam', 'scaleByRms', 'scaleByStddev',
        'scaleByRss', 'scaleByLion', 'clipByValue', 'clipByGlobalNorm', 'globalNorm', 'addDecayedWeights', 'decayMatricesOnly',
        'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lion', 'getOptimizer',
        'constantSchedule', 'cosineDecaySchedule', 'cosineOneCycleSchedule', 'exponentialDecay', 'linearSchedule',
        'piecewiseConstantSchedule', 'stepDecaySchedule', 'warmupCosineDecaySchedule', 'reduceOnPlateau',
        'multiSteps', 'ema', 'ParameterEma',
        'differentiallyPrivateAggregate', 'dpSgd', 'privatizePerExampleGradients', 'perExampleGradients',
        'computeRdpSampledGaussian', 'DEFAULT_RDP_ORDERS', 'dpSgdEpsilon', 'RdpAccountant', 'rdpToEpsilon', 'sampledGaussianEpsilon',
      ].sort(),
    );
  });

  it('rejects a non-function schedule with the standard message', () => {
    expect(() => api.scaleBySchedule(3 as never)).toThrow(
      'Invalid value for `schedule` in scaleBySchedule. Expected a schedule function (step) => number. Received: 3.',
    );
  });
});
