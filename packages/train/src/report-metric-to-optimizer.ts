import type { Callback, TrainingContext } from './callback.js';
import { invalidValue } from './errors.js';
import { readMonitored } from './monitor.js';
import type { Logs } from './types.js';

/** Options of `reportMetricToOptimizer`. */
export interface ReportMetricOptions {
  /** Epoch value fed to the optimizer. Default `'val_loss'`. */
  monitor?: string;
}

/**
 * Learning-rate scheduling on a plateau: after each epoch, passes `monitor` to
 * `optimizer.reportMetric`, which the `reduceOnPlateau` transformation of
 * `@loom-ml/optimizers` reads on the next step. Step-based schedules (cosine, exponential,
 * one-cycle...) need no callback: they live in the optimizer and follow its step count, which
 * checkpoints keep.
 *
 * @example
 * const optimizer = new Optimizer(chain(adam({ learningRate: 1e-3 }), reduceOnPlateau({ patience: 2 })), model.trainableWeights);
 * await fit(model, data, { loss: 'mse', optimizer, validation: 0.2, callbacks: [reportMetricToOptimizer({ monitor: 'val_loss' })] });
 */
export function reportMetricToOptimizer(options: ReportMetricOptions = {}): Callback {
  const monitor = options.monitor ?? 'val_loss';
  if (typeof monitor !== 'string' || monitor === '') {
    throw invalidValue('monitor', 'reportMetricToOptimizer', 'a non-empty string', monitor);
  }
  return {
    onEpochEnd(_epoch: number, logs: Logs, context: TrainingContext) {
      const value = readMonitored(logs, monitor, 'reportMetricToOptimizer');
      // A NaN would poison the plateau state; terminateOnNaN is the callback for that case.
      if (Number.isFinite(value)) context.optimizer.reportMetric(value);
    },
  };
}
