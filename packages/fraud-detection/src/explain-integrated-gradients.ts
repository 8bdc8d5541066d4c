import * as tf from '@tensorflow/tfjs-core';
import { integratedGradients as sharedIntegratedGradients } from '@loom-ml/explain';
import { invalidValue } from './errors.js';

/** Options of `integratedGradients`: the baseline the path starts from and how finely it is integrated. */
export interface IntegratedGradientsOptions {
  /**
   * The reference input the path starts from: one row (applied to every row of `x`) or one row
   * per row of `x`. For encoded tabular data, the encoded training median/mode row
   * (`encoder.transform([tabularBaseline(trainRows, schema)])[0]`) is a natural choice.
   */
  baseline: tf.Tensor1D | tf.Tensor2D | readonly number[] | readonly (readonly number[])[];
  /** Number of intervals the straight path from baseline to input is cut into. Default 50. */
  steps?: number;
  /**
   * Quadrature rule for the path integral. 'trapezoid' (default) has error O(1/steps²);
   * 'riemann-right' (the rule in Sundararajan et al. 2017) has error O(1/steps).
   */
  method?: 'trapezoid' | 'riemann-right';
}

/**
 * What `integratedGradients` returns: per row, one attribution per feature, the scores they
 * explain and how far the attributions are from adding up to `f(x) - f(baseline)`.
 */
export interface IntegratedGradientsResult {
  /** attributions[r][i] = (x_i − b_i) · ∫₀¹ ∂f/∂x_i (b + α(x − b)) dα for row r. */
  attributions: number[][];
  /** f(x) per row. */
  scores: number[];
  /** f(baseline) per row. */
  baselineScores: number[];
  /**
   * Σᵢ attributions[r][i] − (scores[r] − baselineScores[r]): zero for the exact integral
   * (the completeness axiom), so its size measures the quadrature error; raise `steps` if large.
   */
  completenessGap: number[];
}

const WHERE = 'integratedGradients';

function toMatrix(value: tf.Tensor | readonly number[] | readonly (readonly number[])[], name: string): tf.Tensor2D {
  if (value instanceof tf.Tensor) {
    if (value.rank === 1) return tf.reshape(value, [1, -1]);
    if (value.rank === 2) return tf.clone(value) as tf.Tensor2D;
    throw invalidValue(name, WHERE, 'a rank-1 or rank-2 tensor', `a tensor of shape [${value.shape.join(', ')}]`);
  }
  if (!Array.isArray(value) || value.length === 0) throw invalidValue(name, WHERE, 'a non-empty array of numbers or of rows', value);
  const rows = (Array.isArray(value[0]) ? value : [value]) as readonly (readonly number[])[];
  const width = rows[0]!.length;
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== width) throw invalidValue(name, WHERE, `rows of ${width} numbers`, `row ${r} with ${Array.isArray(row) ? row.length : 0} values`);
    row.forEach((v, i) => {
      if (!Number.isFinite(v)) throw invalidValue(name, WHERE, 'finite numbers', `${v} at row ${r}, feature ${i}`);
    });
  });
  return tf.tensor2d(rows.map((row) => Array.from(row)), [rows.length, width]);
}

/**
 * Integrated gradients (Sundararajan, Taly & Yan, 2017) for a differentiable model: each
 * feature's attribution is (x_i − b_i) times the gradient of the score averaged along the
 * straight path from the baseline b to the input x. Attributions of a row add up to
 * f(x) − f(b) (completeness); `completenessGap` reports how far the quadrature is from that.
 * For a linear model they are exactly w_i (x_i − b_i). Computed by `@loom-ml/explain`'s
 * `integratedGradients` (all rows' path points batched), which also explains layers models,
 * images and text.
 *
 * `scoreTensor` maps a batch [n, d] to one score per row [n] and must treat rows
 * independently (no batch statistics). Returns plain arrays; no tensor outlives the call.
 *
 * @example
 * const scoreTensor = (x: tf.Tensor2D) => tf.sigmoid(tf.reshape(tf.add(tf.matMul(x, w), b), [-1])) as tf.Tensor1D;
 * const { attributions, completenessGap } = integratedGradients(scoreTensor, [[1.2, -0.4]], { baseline: [0, 0], steps: 64 });
 */
export function integratedGradients(
  scoreTensor: (x: tf.Tensor2D) => tf.Tensor1D,
  x: tf.Tensor2D | readonly (readonly number[])[],
  options: IntegratedGradientsOptions,
): IntegratedGradientsResult {
  if (typeof scoreTensor !== 'function') throw invalidValue('scoreTensor', WHERE, 'a function (x: Tensor2D) => Tensor1D', scoreTensor);
  if (typeof options !== 'object' || options === null || options.baseline === undefined) throw invalidValue('options', WHERE, 'an object with a `baseline`', options);
  const steps = options.steps ?? 50;
  if (!(Number.isInteger(steps) && steps >= 1)) throw invalidValue('steps', WHERE, 'a positive integer', steps);
  const method = options.method ?? 'trapezoid';
  if (method !== 'trapezoid' && method !== 'riemann-right') throw invalidValue('method', WHERE, "'trapezoid' or 'riemann-right'", method);
  if (x instanceof tf.Tensor && x.rank !== 2) throw invalidValue('x', WHERE, 'a rank-2 tensor [rows, features]', `a tensor of shape [${x.shape.join(', ')}]`);

  const inputs = toMatrix(x, 'x');
  try {
    const [n, d] = inputs.shape;
    const base = tf.tidy(() => {
      const given = toMatrix(options.baseline, 'baseline');
      if (given.shape[1] !== d || (given.shape[0] !== 1 && given.shape[0] !== n)) {
        throw invalidValue('baseline', WHERE, `one row of ${d} values or ${n} rows of ${d}`, `shape [${given.shape.join(', ')}]`);
      }
      return tf.broadcastTo(given, [n, d]);
    });
    try {
      // The shared implementation (@loom-ml/explain) batches every row's path points; this
      // wrapper keeps the fraud API: rows as arrays, a Tensor1D score, FraudError messages.
      const score = (points: tf.Tensor): tf.Tensor => {
        const out = scoreTensor(points as tf.Tensor2D);
        if (!(out instanceof tf.Tensor) || out.rank !== 1 || out.shape[0] !== points.shape[0]) {
          throw invalidValue('scoreTensor', WHERE, `a function returning one score per row (shape [${points.shape[0]}])`, out instanceof tf.Tensor ? `shape [${out.shape.join(', ')}]` : out);
        }
        return out;
      };
      const result = sharedIntegratedGradients(score, inputs, { baseline: base, steps, method });
      const attributions = Array.from({ length: n }, (_, r) => Array.from(result.attributions[0]!.row(r)));
      return { attributions, scores: result.scores, baselineScores: result.baselineScores, completenessGap: result.completenessGap };
    } finally {
      base.dispose();
    }
  } finally {
    inputs.dispose();
  }
}
