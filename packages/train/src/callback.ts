import type { Optimizer } from '@loom-ml/optimizers';
import type { Logs, TrainableModel } from './types.js';

/** The parts of `@loom-ml/optimizers`' `Optimizer` that callbacks use. */
export type TrainingOptimizer = Pick<Optimizer, 'step' | 'stepCount' | 'getState' | 'setState' | 'reportMetric'>;

/**
 * What every callback hook receives: the run being trained, and the switches a callback may
 * flip. Set `stopTraining = true` to end training after the current batch; a callback that
 * restores a checkpoint in `onTrainBegin` sets `initialEpoch` to resume from there.
 */
export interface TrainingContext {
  readonly model: TrainableModel;
  readonly optimizer: TrainingOptimizer;
  /** Total epochs requested (the last epoch index is `epochs - 1`). */
  readonly epochs: number;
  /** Batches per epoch when known in advance (in-memory data), else `undefined`. */
  readonly stepsPerEpoch: number | undefined;
  /** Samples per epoch when known in advance, else `undefined`. */
  readonly samplesPerEpoch: number | undefined;
  /** The epoch training starts (or resumes) from. */
  initialEpoch: number;
  /** Set to `true` to stop training after the current batch. */
  stopTraining: boolean;
}

/** Batch logs: the batch's mean loss, its size, and the running epoch values so far. */
export interface BatchLogs extends Logs {
  size: number;
}

/**
 * Hooks called by `fit`, all optional and awaited in order. Epochs and batches are 0-based.
 *
 * @example
 * const printer: Callback = { onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) };
 * await fit(model, data, { loss: 'mse', optimizer: 'adam', callbacks: [printer] });
 */
export interface Callback {
  /** Before the first epoch; a callback that resumes a run from a checkpoint sets `context.initialEpoch` here. */
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  /** Before each epoch; `epoch` counts from 0. */
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>;
  /** After each batch's step: `logs` holds the batch size and the epoch's running mean loss and metrics so far. */
  onBatchEnd?(batch: number, logs: BatchLogs, context: TrainingContext): void | Promise<void>;
  /** After each epoch: its mean loss and metrics, and `val_`-prefixed ones when there is validation data. Set `context.stopTraining` here to stop. */
  onEpochEnd?(epoch: number, logs: Logs, context: TrainingContext): void | Promise<void>;
  /** After the last epoch (or the stop), with the last epoch's logs. */
  onTrainEnd?(logs: Logs, context: TrainingContext): void | Promise<void>;
}

/**
 * Runs a list of callbacks hook by hook, in the order given.
 *
 * @example
 * const callbacks = new CallbackList([earlyStopping(), progressBar()]);
 * await callbacks.onEpochEnd(0, { loss: 0.5 }, context);
 */
export class CallbackList implements Required<Callback> {
  constructor(readonly callbacks: readonly Callback[]) {}

  /** Calls every callback's `onTrainBegin`, one after the other. */
  async onTrainBegin(context: TrainingContext): Promise<void> {
    for (const callback of this.callbacks) await callback.onTrainBegin?.(context);
  }

  /** Calls every callback's `onEpochBegin`, one after the other. */
  async onEpochBegin(epoch: number, context: TrainingContext): Promise<void> {
    for (const callback of this.callbacks) await callback.onEpochBegin?.(epoch, context);
  }

  /** Calls every callback's `onBatchEnd`, one after the other. */
  async onBatchEnd(batch: number, logs: BatchLogs, context: TrainingContext): Promise<void> {
    for (const callback of this.callbacks) await callback.onBatchEnd?.(batch, logs, context);
  }

  /** Calls every callback's `onEpochEnd`, one after the other. */
  async onEpochEnd(epoch: number, logs: Logs, context: TrainingContext): Promise<void> {
    for (const callback of this.callbacks) await callback.onEpochEnd?.(epoch, logs, context);
  }

  /** Calls every callback's `onTrainEnd`, one after the other. */
  async onTrainEnd(logs: Logs, context: TrainingContext): Promise<void> {
    for (const callback of this.callbacks) await callback.onTrainEnd?.(logs, context);
  }
}
