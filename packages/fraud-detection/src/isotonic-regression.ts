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

/** Scores closer than this to the first score of a group are ties (numpy's float64 resolution, as sklearn). */
const TIE_TOLERANCE = 1e-15;

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

  /**
   * Fits the non-decreasing step function that minimises Σ wᵢ (targetᵢ − f(scoreᵢ))², as
   * scikit-learn's `IsotonicRegression` does: rows are sorted by score, rows whose scores tie
   * (differ by less than 1e-15) are first replaced by one point at their weighted mean target
   * (the "secondary" tie rule, so tied rows always share a value and the row order never
   * matters), then adjacent points that are not strictly increasing are pooled
   * (pool-adjacent-violators). Rows of weight 0 are ignored. `predict` interpolates linearly
   * between the fitted points and clamps outside them (sklearn's `out_of_bounds='clip'`).
   *
   * @example
   * new IsotonicCalibrator().fit([0.1, 0.3, 0.3], [0.4, 0, 1]).predict([0.1, 0.3]); // [0.4, 0.5]
   */
  fit(scores: ArrayLike<number>, targets: ArrayLike<number>, weights?: ArrayLike<number>): this {
    const where = 'IsotonicCalibrator.fit';
    if (scores.length !== targets.length || scores.length === 0) {
      throw invalidValue('targets', where, `a non-empty array as long as scores (${scores.length})`, targets.length);
    }
    if (weights !== undefined && weights.length !== scores.length) {
      throw invalidValue('weights', where, `an array as long as scores (${scores.length})`, weights.length);
    }
    const kept: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i])) throw invalidValue(`scores[${i}]`, where, 'a finite number', scores[i]);
      if (!Number.isFinite(targets[i])) throw invalidValue(`targets[${i}]`, where, 'a finite number', targets[i]);
      const weight = weights === undefined ? 1 : weights[i]!;
      if (!(Number.isFinite(weight) && weight >= 0)) throw invalidValue(`weights[${i}]`, where, 'a finite number >= 0', weight);
      if (weight > 0) kept.push(i);
    }
    if (kept.length === 0) throw invalidValue('weights', where, 'at least one weight above 0', 'all 0');
    const weightOf = (i: number) => (weights === undefined ? 1 : weights[i]!);
    // Sorted by score, then target, then weight: a total order on the rows' contents, so the
    // floating-point sums below are the same for any order of the input rows.
    kept.sort((a, b) => scores[a]! - scores[b]! || targets[a]! - targets[b]! || weightOf(a) - weightOf(b));
    // Blocks of pooled points: weighted mean target, total weight, and the score range they cover.
    const blocks: { value: number; weight: number; xMin: number; xMax: number }[] = [];
    let k = 0;
    while (k < kept.length) {
      // One point per group of tied scores (sklearn's _make_unique: within 1e-15 of the group's first score).
      const x = scores[kept[k]!]!;
      let weightedSum = 0;
      let weight = 0;
      for (; k < kept.length && scores[kept[k]!]! - x < TIE_TOLERANCE; k++) {
        const w = weightOf(kept[k]!);
        weightedSum += targets[kept[k]!]! * w;
        weight += w;
      }
      blocks.push({ value: weightedSum / weight, weight, xMin: x, xMax: x });
      // Pool backwards while the last two blocks are not strictly increasing.
      while (blocks.length > 1) {
        const last = blocks[blocks.length - 1]!;
        const prev = blocks[blocks.length - 2]!;
        if (prev.value < last.value) break;
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

  /**
   * Calibrated values of new scores: linear between the fitted points, and the first or last
   * fitted value outside their range. Throws before `fit`.
   */
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
