import type { BatchLogs, Callback, TrainingContext } from './callback.js';

/** The `terminateOnNaN` callback; `terminatedAt` tells where the loss went bad. */
export interface TerminateOnNaNCallback extends Callback {
  readonly terminatedAt: { epoch: number; batch: number } | undefined;
}

/**
 * Stops training as soon as a batch loss is NaN or infinite, so a diverged run does not keep
 * overwriting checkpoints with garbage.
 *
 * @example
 * await fit(model, data, { loss: 'mse', optimizer: sgd({ learningRate: 10 }), callbacks: [terminateOnNaN()] });
 */
export function terminateOnNaN(): TerminateOnNaNCallback {
  let epoch = 0;
  let terminatedAt: { epoch: number; batch: number } | undefined;
  return {
    get terminatedAt() {
      return terminatedAt;
    },
    onTrainBegin() {
      terminatedAt = undefined;
    },
    onEpochBegin(current: number) {
      epoch = current;
    },
    onBatchEnd(batch: number, logs: BatchLogs, context: TrainingContext) {
      const loss = logs.loss;
      if (loss !== undefined && !Number.isFinite(loss)) {
        terminatedAt = { epoch, batch };
        context.stopTraining = true;
      }
    },
  };
}
