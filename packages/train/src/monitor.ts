import { TrainError } from './errors.js';
import type { Logs } from './types.js';

/** Whether a larger or a smaller monitored value is better. */
export type MonitorMode = 'min' | 'max' | 'auto';

// Names where larger is better; everything else (losses, errors) is minimised.
const LARGER_IS_BETTER = /acc|auc|precision|recall|f1|ndcg|map|mrr|hit|r2|coverage/i;

/** Resolves `'auto'` from the monitored name: accuracy-like names are maximised. */
export function resolveMode(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return LARGER_IS_BETTER.test(monitor) ? 'max' : 'min';
}

/** Reads `monitor` from epoch logs, with an error that lists the values that do exist. */
export function readMonitored(logs: Logs, monitor: string, where: string): number {
  const value = logs[monitor];
  if (value === undefined) {
    const available = Object.keys(logs).map((k) => `'${k}'`).join(', ');
    throw new TrainError(
      `Invalid value for \`monitor\` in ${where}. Expected one of the epoch values (${available}). Received: '${monitor}'.`,
    );
  }
  return value;
}
