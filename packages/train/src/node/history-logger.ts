import { writeFileAtomic } from '@loom-ml/core/node';
import type { Callback } from '../callback.js';
import { invalidValue } from '../errors.js';
import { historyToCsv } from '../history-csv.js';
import { History } from '../history.js';
import type { Logs } from '../types.js';

function requirePath(file: unknown, where: string): string {
  if (typeof file !== 'string' || file === '') throw invalidValue('file', where, 'a non-empty path', file);
  return file;
}

/**
 * Writes the epoch history to a CSV file after every epoch. The whole file is rewritten
 * atomically each time, so it is always complete and a new column (e.g. a validation value
 * that starts later) gets a proper header.
 *
 * @example
 * await fit(model, data, { loss: 'mse', optimizer: 'adam', callbacks: [csvLogger('runs/history.csv')] });
 */
export function csvLogger(file: string): Callback {
  const target = requirePath(file, 'csvLogger');
  let history = new History();
  return {
    onTrainBegin() {
      history = new History();
    },
    async onEpochEnd(epoch: number, logs: Logs) {
      history.record(epoch, logs);
      await writeFileAtomic(target, historyToCsv(history));
    },
  };
}

/**
 * Writes the epoch history as JSON (`{ epochs, values }`, non-finite values as `null`) after
 * every epoch, atomically.
 *
 * @example
 * await fit(model, data, { loss: 'mse', optimizer: 'adam', callbacks: [jsonLogger('runs/history.json')] });
 */
export function jsonLogger(file: string): Callback {
  const target = requirePath(file, 'jsonLogger');
  let history = new History();
  return {
    onTrainBegin() {
      history = new History();
    },
    async onEpochEnd(epoch: number, logs: Logs) {
      history.record(epoch, logs);
      await writeFileAtomic(target, `${JSON.stringify(history, null, 2)}\n`);
    },
  };
}
