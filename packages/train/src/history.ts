import type { Logs } from './types.js';

/**
 * The per-epoch values `fit` returns: `history.values.loss[i]` is epoch `epochs[i]`'s loss.
 * A key missing in some epochs (e.g. validation every other epoch) holds `NaN` there, so all
 * arrays have one entry per epoch.
 *
 * @example
 * const history = await fit(model, data, options);
 * console.log(history.values.val_loss);
 */
export class History {
  readonly epochs: number[] = [];
  readonly values: Record<string, number[]> = {};

  /** Appends one epoch's logs. */
  record(epoch: number, logs: Logs): void {
    const index = this.epochs.length;
    this.epochs.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      const column = (this.values[key] ??= new Array<number>(index).fill(Number.NaN));
      column.push(value);
    }
    for (const column of Object.values(this.values)) if (column.length < index + 1) column.push(Number.NaN);
  }

  /** The value names in first-seen order. */
  get keys(): string[] {
    return Object.keys(this.values);
  }

  /** JSON-safe form (`NaN` and infinities become `null`). */
  toJSON(): { epochs: number[]; values: Record<string, (number | null)[]> } {
    const values: Record<string, (number | null)[]> = {};
    for (const [key, column] of Object.entries(this.values)) values[key] = column.map((v) => (Number.isFinite(v) ? v : null));
    return { epochs: [...this.epochs], values };
  }
}
