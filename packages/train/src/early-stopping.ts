import * as tf from '@tensorflow/tfjs-core';
import type { Callback, TrainingContext } from './callback.js';
import { invalidValue } from './errors.js';
import { readMonitored, resolveMode, type MonitorMode } from './monitor.js';
import type { Logs, TrainableModel } from './types.js';

/** Options of `earlyStopping`. */
export interface EarlyStoppingOptions {
  /** Epoch value to watch. Default `'val_loss'`. */
  monitor?: string;
  /** `'min'`, `'max'`, or `'auto'` (maximise accuracy-like names). Default `'auto'`. */
  mode?: MonitorMode;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** At the end of training, put back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
}

/** The `earlyStopping` callback; `stoppedEpoch` and `bestEpoch` are readable after `fit`. */
export interface EarlyStoppingCallback extends Callback {
  readonly stoppedEpoch: number | undefined;
  readonly bestEpoch: number | undefined;
  readonly bestValue: number;
}

/** Copies the model's weights into tensors this callback owns. */
export function snapshotWeights(model: TrainableModel): tf.Tensor[] {
  const variableIds = new Set([...model.trainableWeights, ...(model.nonTrainableWeights ?? [])].map((v) => v.id));
  // getWeights may hand back the variables themselves (clone them) or fresh tensors (take them).
  return model.getWeights().map((w) => tf.keep(variableIds.has(w.id) ? tf.clone(w) : w));
}

/**
 * Stops training once `monitor` has not improved by more than `minDelta` for `patience`
 * epochs, and optionally restores the best epoch's weights at the end (Keras' EarlyStopping).
 *
 * @example
 * await fit(model, data, { loss: 'mse', optimizer: 'adam', epochs: 100, validation: 0.2,
 *   callbacks: [earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })] });
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStoppingCallback {
  const where = 'earlyStopping';
  const monitor = options.monitor ?? 'val_loss';
  if (typeof monitor !== 'string' || monitor === '') throw invalidValue('monitor', where, 'a non-empty string', monitor);
  const modeOption = options.mode ?? 'auto';
  if (!['min', 'max', 'auto'].includes(modeOption)) throw invalidValue('mode', where, "'min', 'max' or 'auto'", modeOption);
  const mode = resolveMode(monitor, modeOption);
  const patience = options.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0) throw invalidValue('patience', where, 'a non-negative integer', patience);
  const minDelta = options.minDelta ?? 0;
  if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw invalidValue('minDelta', where, 'a non-negative number', minDelta);
  const restoreBestWeights = options.restoreBestWeights ?? false;

  let best = mode === 'min' ? Infinity : -Infinity;
  let bestEpoch: number | undefined;
  let stoppedEpoch: number | undefined;
  let wait = 0;
  let bestWeights: tf.Tensor[] | undefined;

  const improved = (value: number): boolean =>
    mode === 'min' ? value < best - minDelta : value > best + minDelta;

  const dropBest = (): void => {
    if (bestWeights !== undefined) tf.dispose(bestWeights);
    bestWeights = undefined;
  };

  return {
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    get bestValue() {
      return best;
    },
    onTrainBegin() {
      best = mode === 'min' ? Infinity : -Infinity;
      bestEpoch = undefined;
      stoppedEpoch = undefined;
      wait = 0;
      dropBest();
    },
    onEpochEnd(epoch: number, logs: Logs, context: TrainingContext) {
      const value = readMonitored(logs, monitor, where);
      if (improved(value)) {
        best = value;
        bestEpoch = epoch;
        wait = 0;
        if (restoreBestWeights) {
          dropBest();
          bestWeights = snapshotWeights(context.model);
        }
        return;
      }
      wait += 1;
      if (wait > patience) {
        stoppedEpoch = epoch;
        context.stopTraining = true;
      }
    },
    onTrainEnd(_logs: Logs, context: TrainingContext) {
      if (bestWeights !== undefined) context.model.setWeights(bestWeights);
      dropBest();
    },
  };
}
