import * as tf from '@tensorflow/tfjs-core';
import { isSelected, type ParamMask } from './add-decayed-weights.js';
import { collectTensors, entry } from './tree.js';
import type { GradientTransformation, OptState, Params, ScalarOrSchedule, UpdateExtras } from './types.js';

/**
 * Fused optimizer updates: `adam`, `adamw`, `lion` and `sgd` with momentum compute each
 * parameter's update and new state in one kernel call instead of ~10 elementwise ops, when the
 * active backend has the kernel registered. This package depends on tfjs-core only: the kernels
 * live in `@loom-ml/wasm` (`initWasm` registers them for `loom-wasm`, `registerFusedKernels('cpu')`
 * for cpu) and are found by name through tfjs-core's kernel registry, like any tfjs kernel.
 * Without them (other backends, `useFusedUpdates(false)`, a non-float32 tensor) the same chain
 * of transformations runs op by op. Both paths keep the same state tree, so a state saved by one
 * restores in the other.
 *
 * Kernel contract (all tensors float32 and of the parameter's shape; `scale` is the update's
 * factor, `-learningRate` at this step; `weightDecay` 0 when the parameter is not decayed, and
 * then `param` may be absent):
 * - `LoomAdamUpdate`: inputs `grad`, `mu`, `nu`, `param`?; attrs `beta1`, `beta2`, `epsilon`,
 *   `epsilonRoot`, `correction1`, `correction2` (1 - beta^t), `weightDecay`, `scale`; outputs
 *   `[update, mu, nu]`, the values of `chain(scaleByAdam, addDecayedWeights, scaleByLearningRate)`.
 * - `LoomLionUpdate`: inputs `grad`, `mu`, `param`?; attrs `beta1`, `beta2`, `weightDecay`,
 *   `scale`; outputs `[update, mu]` (`chain(scaleByLion, addDecayedWeights, scaleByLearningRate)`).
 * - `LoomMomentumUpdate`: inputs `grad`, `trace`; attrs `decay`, `nesterov`, `scale`; outputs
 *   `[update, trace]` (`chain(traceMomentum, scaleByLearningRate)`).
 */
export const FUSED_UPDATE_KERNELS = {
  adam: 'LoomAdamUpdate',
  lion: 'LoomLionUpdate',
  momentum: 'LoomMomentumUpdate',
} as const;

let enabled = true;

/**
 * Turns the fused optimizer updates on or off (default on) and returns the previous setting.
 * Off, `adam`, `adamw`, `lion` and `sgd` run their chains op by op (the reference the fused
 * kernels are tested against, and what benchmarks compare them with).
 *
 * @example
 * const previous = useFusedUpdates(false);
 * useFusedUpdates(previous);
 */
export function useFusedUpdates(on: boolean): boolean {
  const previous = enabled;
  enabled = on === true;
  return previous;
}

/** What one parameter's fused kernel call needs: its name, inputs and attrs. */
interface FusedCall {
  kernel: string;
  inputs: Record<string, tf.Tensor>;
  attrs: Record<string, number | boolean>;
}

/** The per-step part of a fused transformation: builds each parameter's kernel call and the new state from the outputs. */
export interface FusedPlan<S extends OptState> {
  kernel: string;
  /** Weight decay reads the parameters: without them the chain runs (and says so). */
  needsParams: boolean;
  /** Called once per step, before any kernel runs; throws what the chain would throw. */
  prepare(grads: Params, state: S, params: Params | undefined): {
    call(key: string, grad: tf.Tensor): FusedCall;
    finish(outputs: Record<string, tf.Tensor[]>): S;
  };
}

/**
 * `general` (the chain, the reference) with a fused path: when the kernel is registered on the
 * active backend and every gradient is float32, each parameter's update is one kernel call.
 */
export function withFusedUpdate<S extends OptState>(general: GradientTransformation<S>, plan: FusedPlan<S>): GradientTransformation<S> {
  return {
    init: (params) => general.init(params),
    update(grads: Params, state: S, params?: Params, extras?: UpdateExtras) {
      if ((plan.needsParams && params === undefined) || !canFuse(plan.kernel, grads, state, params)) return general.update(grads, state, params, extras);
      const step = plan.prepare(grads, state, params);
      const updates: Params = {};
      const outputs: Record<string, tf.Tensor[]> = {};
      try {
        for (const key of Object.keys(grads)) {
          const { kernel, inputs, attrs } = step.call(key, grads[key] as tf.Tensor);
          const result = tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
          updates[key] = result[0]!;
          outputs[key] = result.slice(1);
        }
      } catch (error) {
        tf.dispose([...Object.values(updates), ...Object.values(outputs).flat()]);
        throw error;
      }
      return { updates, state: step.finish(outputs) };
    },
  };
}

function canFuse(kernel: string, grads: Params, state: OptState, params: Params | undefined): boolean {
  if (!enabled || tf.getKernel(kernel, tf.getBackend()) === undefined) return false;
  for (const g of Object.values(grads)) if (!(g instanceof tf.Tensor) || g.dtype !== 'float32') return false;
  for (const t of collectTensors(state)) if (t.dtype !== 'float32') return false;
  if (params !== undefined) for (const p of Object.values(params)) if (p instanceof tf.Tensor && p.dtype !== 'float32') return false;
  return true;
}

/** The learning-rate factor of this step and the next state of `scaleByLearningRate` (null for a number, `{ count }` for a schedule). */
export function learningRateStep(learningRate: ScalarOrSchedule, state: OptState): { scale: number; state: OptState } {
  if (typeof learningRate === 'number') return { scale: -learningRate, state: null };
  const count = (state as { count: number }).count;
  return { scale: -learningRate(count), state: { count: count + 1 } };
}

/** The decay factor of one parameter (0 when not selected), reading `params` as `addDecayedWeights` does. */
export function decayFor(weightDecay: number, mask: ParamMask | undefined, params: Params | undefined, key: string, where: string): { weightDecay: number; param?: tf.Tensor } {
  if (weightDecay === 0) return { weightDecay: 0 };
  const param = entry(params as Params, key, 'params', where);
  return isSelected(mask, key, param) ? { weightDecay, param } : { weightDecay: 0 };
}
