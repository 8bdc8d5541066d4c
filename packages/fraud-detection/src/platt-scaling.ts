import { invalidValue } from './errors.js';
import { checkSavedFormat, savedNumber } from './saved-json.js';

/** What `PlattScaling.toJSON` writes. */
export interface PlattScalingJSON {
  format: 'loom-ml/platt-scaling';
  version: 1;
  slope: number;
  intercept: number;
}

/**
 * Platt scaling: calibrated probability = 1 / (1 + exp(-(slope * score + intercept))), fitted by
 * Newton's method on the log-loss, every score weighing the same (`fit` takes no sample weights;
 * to weigh a class more, repeat its rows or use soft targets). Targets may be 0/1 labels or soft
 * probabilities; no target smoothing is applied (Platt 1999's (N+ + 1)/(N+ + 2) is left out).
 *
 * @example
 * const platt = new PlattScaling().fit(validationScores, validationLabels);
 * const probabilities = platt.predict(testScores);
 * const restored = PlattScaling.fromJSON(JSON.parse(JSON.stringify(platt.toJSON())));
 */
export class PlattScaling {
  slope = NaN;
  intercept = NaN;

  /** Fits `slope` and `intercept` to scores and their 0/1 (or soft) targets, with at most `maxIterations` Newton steps. */
  fit(scores: ArrayLike<number>, targets: ArrayLike<number>, maxIterations = 100): this {
    if (scores.length !== targets.length || scores.length === 0) {
      throw invalidValue('targets', 'PlattScaling.fit', `a non-empty array as long as scores (${scores.length})`, targets.length);
    }
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i])) throw invalidValue(`scores[${i}]`, 'PlattScaling.fit', 'a finite number', scores[i]);
      const t = targets[i]!;
      if (!(t >= 0 && t <= 1)) throw invalidValue(`targets[${i}]`, 'PlattScaling.fit', 'a number in [0, 1]', t);
    }
    let a = 0;
    let b = 0;
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
      for (let i = 0; i < scores.length; i++) {
        const s = scores[i]!;
        const p = 1 / (1 + Math.exp(-(a * s + b)));
        const r = p - targets[i]!;
        const w = p * (1 - p);
        ga += r * s;
        gb += r;
        haa += w * s * s;
        hab += w * s;
        hbb += w;
      }
      // A small ridge keeps the 2x2 Newton system solvable when the scores separate the classes.
      haa += 1e-12;
      hbb += 1e-12;
      const det = haa * hbb - hab * hab;
      const stepA = (hbb * ga - hab * gb) / det;
      const stepB = (haa * gb - hab * ga) / det;
      a -= stepA;
      b -= stepB;
      if (Math.abs(stepA) + Math.abs(stepB) < 1e-12) break;
    }
    this.slope = a;
    this.intercept = b;
    return this;
  }

  /** Calibrated probabilities of new scores; throws before `fit`. */
  predict(scores: ArrayLike<number>): number[] {
    if (Number.isNaN(this.slope)) throw invalidValue('state', 'PlattScaling.predict', 'a fitted calibrator (call fit first)', 'unfitted');
    return Array.from(scores, (s) => 1 / (1 + Math.exp(-(this.slope * s + this.intercept))));
  }

  /**
   * The fitted slope and intercept as plain, versioned JSON.
   *
   * @example
   * const saved = JSON.stringify(platt.toJSON());
   */
  toJSON(): PlattScalingJSON {
    if (Number.isNaN(this.slope)) throw invalidValue('state', 'PlattScaling.toJSON', 'a fitted calibrator (call fit first)', 'unfitted');
    return { format: 'loom-ml/platt-scaling', version: 1, slope: this.slope, intercept: this.intercept };
  }

  /**
   * Rebuilds a calibrator saved with `toJSON()`; malformed input is reported by field name.
   *
   * @example
   * const platt = PlattScaling.fromJSON(JSON.parse(saved));
   */
  static fromJSON(json: PlattScalingJSON): PlattScaling {
    const where = 'PlattScaling.fromJSON';
    const record = checkSavedFormat(json, 'loom-ml/platt-scaling', 1, where);
    const platt = new PlattScaling();
    platt.slope = savedNumber(record, 'slope', where);
    platt.intercept = savedNumber(record, 'intercept', where);
    return platt;
  }
}
