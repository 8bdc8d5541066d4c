import type { History } from './history.js';

/**
 * CSV text of a history: an `epoch` column then one column per value; missing values are empty.
 *
 * @example
 * historyToCsv(history); // "epoch,loss,val_loss\n0,0.9,1.1\n..."
 */
export function historyToCsv(history: History): string {
  const keys = history.keys;
  const rows = [['epoch', ...keys].join(',')];
  history.epochs.forEach((epoch, i) => {
    const cells = keys.map((key) => {
      const value = history.values[key]![i]!;
      return Number.isNaN(value) ? '' : String(value);
    });
    rows.push([String(epoch), ...cells].join(','));
  });
  return `${rows.join('\n')}\n`;
}
