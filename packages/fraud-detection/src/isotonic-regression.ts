import { invalidValue } from './errors.js';
import { checkSavedFormat, savedNumbers } from './saved-json.js';

/** What `IsotonicCalibrator.toJSON` writes: the fitted points (block ends) of the step function. */
export interface IsotonicCalibratorJSON {
  format: 'loom-ml/isotonic-calibrator';
  version: 1;
  /** Non-decreasing raw scores. */
  scores: number[];
  /** Non-decreasing calibrated values, one per score. */
  values: number[];
}

/**
 * Isotonic (non-decreasing) calibration by pool-adjacent-violators: maps a raw score to the
 * fitted step function; between fitted points it interpolates linearly, outside it clamps.
 *
 * @example
 * const calibrator = new IsotonicCalibrator().fit(validationScores, validationLabels);
 * const probabilities = calibrator.predict(testScores);
 * const restored = IsotonicCalibrator.fromJSON(JSON.parse(JSON.stringify(calibrator.toJSON())));
 */
export class IsotonicCalibrator {
  private xs: number[] = [];
  private ys: number[] = [];

  fit(scores: ArrayLike<number>, targets: ArrayLike<number>, weights?: ArrayLike<number>): this {
    if (scores.length !== targets.length || scores.length === 0) {
      throw invalidValue('targets', 'IsotonicCalibrator.fit', `a non-empty array as long as scores (${scores.length})`, targets.length);
    }
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i])) throw invalidValue(`scores[${i}]`, 'IsotonicCalibrator.fit', 'a finite number', scores[i]);
    }
    const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
    // Blocks of pooled points: mean value, total weight, and the x-range they cover.
    const blocks: { value: number; weight: number; xMin: number; xMax: number }[] = [];
    for (const i of order) {
      const weight = weights ? weights[i]! : 1;
      blocks.push({ value: targets[i]!, weight, xMin: scores[i]!, xMax: scores[i]! });
      // Merge backwards while the order constraint is violated (ties in x must share a value too).
      while (blocks.length > 1) {
        const last = blocks[blocks.length - 1]!;
        const prev = blocks[blocks.length - 2]!;
        if (prev.value < last.value && prev.xMax !== last.xMin) break;
        const total = prev.weight + last.weight;
        prev.value = (prev.value * prev.weight + last.value * last.weight) / total;
        prev.weight = total;
        prev.xMax = last.xMax;
        blocks.pop();
      }
    }
    this.xs = [];
    this.ys = [];
    for (const b of blocks) {
      this.xs.push(b.xMin);
      this.ys.push(b.value);
      if (b.xMax !== b.xMin) {
        this.xs.push(b.xMax);
        this.ys.push(b.value);
      }
    }
    return this;
  }

  /** The fitted step values at the sorted training scores (one per pooled block end). */
  get fittedPoints(): { scores: number[]; values: number[] } {
    return { scores: [...this.xs], values: [...this.ys] };
  }

  predict(scores: ArrayLike<number>): number[] {
    if (this.xs.length === 0) throw invalidValue('state', 'IsotonicCalibrator.predict', 'a fitted calibrator (call fit first)', 'unfitted');
    const { xs, ys } = this;
    return Array.from(scores, (s) => {
      if (s <= xs[0]!) return ys[0]!;
      if (s >= xs[xs.length - 1]!) return ys[ys.length - 1]!;
      let lo = 0;
      let hi = xs.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (xs[mid]! <= s) lo = mid;
        else hi = mid;
      }
      const t = (s - xs[lo]!) / (xs[hi]! - xs[lo]!);
      return ys[lo]! + t * (ys[hi]! - ys[lo]!);
    });
  }

  /**
   * The fitted points as plain, versioned JSON; a restored calibrator predicts identically.
   *
   * @example
   * const saved = JSON.stringify(calibrator.toJSON());
   */
  toJSON(): IsotonicCalibratorJSON {
    if (this.xs.length === 0) throw invalidValue('state', 'IsotonicCalibrator.toJSON', 'a fitted calibrator (call fit first)', 'unfitted');
    return { format: 'loom-ml/isotonic-calibrator', version: 1, scores: [...this.xs], values: [...this.ys] };
  }

  /**
   * Rebuilds a calibrator saved with `toJSON()`. Scores and values must be equally long and
   * non-decreasing (what fit produces); a bad element is named by index.
   *
   * @example
   * const calibrator = IsotonicCalibrator.fromJSON(JSON.parse(saved));
   */
  static fromJSON(json: IsotonicCalibratorJSON): IsotonicCalibrator {
    const where = 'IsotonicCalibrator.fromJSON';
    const record = checkSavedFormat(json, 'loom-ml/isotonic-calibrator', 1, where);
    const scores = savedNumbers(record, 'scores', where);
    const values = savedNumbers(record, 'values', where);
    if (values.length !== scores.length) throw invalidValue('values', where, `${scores.length} values (one per score)`, `${values.length} values`);
    for (let i = 1; i < scores.length; i++) {
      if (scores[i]! < scores[i - 1]!) throw invalidValue(`scores[${i}]`, where, `a score >= scores[${i - 1}] (${scores[i - 1]})`, scores[i]);
      if (values[i]! < values[i - 1]!) throw invalidValue(`values[${i}]`, where, `a value >= values[${i - 1}] (${values[i - 1]})`, values[i]);
    }
    const calibrator = new IsotonicCalibrator();
    calibrator.xs = [...scores];
    calibrator.ys = [...values];
    return calibrator;
  }
}
