import * as tf from '@tensorflow/tfjs-core';
import type { ParamMask } from './add-decayed-weights.js';
import { decayFor, FUSED_UPDATE_KERNELS, learningRateStep, type FusedPlan } from './fused-updates.js';
import type { AdamState } from './scale-by-adam.js';
import type { LionState } from './scale-by-lion.js';
import type { TraceState } from './trace-momentum.js';
import { entry } from './tree.js';
import type { OptState, Params, ScalarOrSchedule } from './types.js';

// The fused plans of the common chains. Each keeps its chain's state tree exactly:
// [inner state, (null for addDecayedWeights), scaleByLearningRate's state].

interface DecayOptions {
  /** Whether the chain has an `addDecayedWeights` stage (its state slot is null). */
  present: boolean;
  weightDecay: number;
  mask: ParamMask | undefined;
}

/** `chain(scaleByAdam, [addDecayedWeights], scaleByLearningRate)` as one `LoomAdamUpdate` per parameter. */
export function adamPlan(hyper: { beta1: number; beta2: number; epsilon: number; epsilonRoot: number }, learningRate: ScalarOrSchedule, decay: DecayOptions): FusedPlan<OptState[]> {
  return {
    kernel: FUSED_UPDATE_KERNELS.adam,
    needsParams: decay.weightDecay !== 0,
    prepare(_grads, state, params) {
      const adam = state[0] as AdamState;
      const count = adam.count + 1;
      const lr = learningRateStep(learningRate, state[state.length - 1] as OptState);
      const attrs = { ...hyper, correction1: 1 - hyper.beta1 ** count, correction2: 1 - hyper.beta2 ** count, scale: lr.scale };
      return {
        call(key, grad) {
          const { weightDecay, param } = decayFor(decay.weightDecay, decay.mask, params, key, 'addDecayedWeights');
          const inputs: Record<string, tf.Tensor> = { grad, mu: entry(adam.mu, key, 'state.mu', 'scaleByAdam'), nu: entry(adam.nu, key, 'state.nu', 'scaleByAdam') };
          if (param !== undefined) inputs.param = param;
          return { kernel: FUSED_UPDATE_KERNELS.adam, inputs, attrs: { ...attrs, weightDecay } };
        },
        finish(outputs) {
          const mu: Params = {};
          const nu: Params = {};
          for (const [key, [m, v]] of Object.entries(outputs)) {
            mu[key] = m!;
            nu[key] = v!;
          }
          const next: AdamState = { count, mu, nu };
          return decay.present ? [next, null, lr.state] : [next, lr.state];
        },
      };
    },
  };
}

/** `chain(scaleByLion, [addDecayedWeights], scaleByLearningRate)` as one `LoomLionUpdate` per parameter. */
export function lionPlan(hyper: { beta1: number; beta2: number }, learningRate: ScalarOrSchedule, decay: DecayOptions): FusedPlan<OptState[]> {
  return {
    kernel: FUSED_UPDATE_KERNELS.lion,
    needsParams: decay.weightDecay !== 0,
    prepare(_grads, state, params) {
      const lion = state[0] as LionState;
      const lr = learningRateStep(learningRate, state[state.length - 1] as OptState);
      return {
        call(key, grad) {
          const { weightDecay, param } = decayFor(decay.weightDecay, decay.mask, params, key, 'addDecayedWeights');
          const inputs: Record<string, tf.Tensor> = { grad, mu: entry(lion.mu, key, 'state.mu', 'scaleByLion') };
          if (param !== undefined) inputs.param = param;
          return { kernel: FUSED_UPDATE_KERNELS.lion, inputs, attrs: { ...hyper, weightDecay, scale: lr.scale } };
        },
        finish(outputs) {
          const mu: Params = {};
          for (const [key, [m]] of Object.entries(outputs)) mu[key] = m!;
          const next: LionState = { mu };
          return decay.present ? [next, null, lr.state] : [next, lr.state];
        },
      };
    },
  };
}

/** `chain(traceMomentum, scaleByLearningRate)` as one `LoomMomentumUpdate` per parameter. */
export function momentumPlan(hyper: { decay: number; nesterov: boolean }, learningRate: ScalarOrSchedule): FusedPlan<OptState[]> {
  return {
    kernel: FUSED_UPDATE_KERNELS.momentum,
    needsParams: false,
    prepare(_grads, state) {
      const traced = state[0] as TraceState;
      const lr = learningRateStep(learningRate, state[1] as OptState);
      return {
        call(key, grad) {
          const inputs = { grad, trace: entry(traced.trace, key, 'state.trace', 'traceMomentum') };
          return { kernel: FUSED_UPDATE_KERNELS.momentum, inputs, attrs: { ...hyper, scale: lr.scale } };
        },
        finish(outputs) {
          const trace: Params = {};
          for (const [key, [t]] of Object.entries(outputs)) trace[key] = t!;
          return [{ trace } as TraceState, lr.state];
        },
      };
    },
  };
}
