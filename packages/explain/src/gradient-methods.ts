import * as tf from '@tensorflow/tfjs-core';
import { AttributionArray } from './attributions.js';
import { ExplainError, checkPositiveInteger, invalidValue } from './errors.js';
import {
  accumulateGradients,
  checkBatchSize,
  inputList,
  resolveTargets,
  runnerOf,
  scorePoints,
  type ExplainableModel,
  type Runner,
  type TargetOptions,
} from './model-scores.js';
import { seededRandom } from '@loom-ml/core';
import { gaussian } from './random.js';

/** A reference input: one number for every element, one example (no batch axis) for every row, or one per row. */
export type BaselineValue = number | tf.Tensor;

/** What every gradient method reports besides its attributions. */
export interface ScoredRows {
  /** One per model input, in the order the model takes them, each with that input's shape. */
  attributions: AttributionArray[];
  /** The explained score of each row: the model's output at `targets[r]`. */
  scores: number[];
  /** The output column explained for each row. */
  targets: number[];
}

/** Options of `saliency`: the plain gradient or gradient × input, and the batch size. */
export interface SaliencyOptions extends TargetOptions {
  /** 'gradient' (default): ∂score/∂x; 'gradient-x-input': x · ∂score/∂x, a first-order attribution. */
  method?: 'gradient' | 'gradient-x-input';
  /** Points per model call. Default 128. */
  batchSize?: number;
}

/**
 * Saliency: the gradient of each row's score with respect to its input (Simonyan et al. 2013),
 * or the gradient times the input. One forward and one backward pass per batch.
 *
 * Caveat: a gradient is local. A saturated unit (a sigmoid near 0 or 1, a ReLU that is off)
 * has a zero gradient although its input mattered; integrated gradients do not miss that.
 *
 * @example
 * const { attributions: [map] } = saliency(model, images, { method: 'gradient' });
 */
export function saliency(model: ExplainableModel, inputs: tf.Tensor | readonly tf.Tensor[], options: SaliencyOptions = {}): ScoredRows {
  const where = 'saliency';
  const settings = checkOptions(options, where);
  const method = settings.method ?? 'gradient';
  if (method !== 'gradient' && method !== 'gradient-x-input') throw invalidValue('method', where, "'gradient' or 'gradient-x-input'", method);
  const batchSize = checkBatchSize(settings.batchSize, where);
  const { list, single, n } = inputList(inputs, where);
  checkFloatInputs(list, where);
  const run = runnerOf(model, single, where);
  const { targets, scores } = resolveTargets(run, list, n, settings, batchSize, where);
  const sizes = list.map(rowSize);
  const sums = accumulateGradients(run, n, (p) => p, (start, end) => list.map((x) => tf.slice(x, start, end - start)), () => 1, targets, sizes, n, settings.output, batchSize, method === 'gradient-x-input', where);
  return { attributions: sums.map((sum, i) => new AttributionArray(list[i]!.shape, Float32Array.from(sum))), scores: Array.from(scores), targets: Array.from(targets) };
}

/** How the path integral of integrated gradients is approximated. */
export type IntegrationRule = 'trapezoid' | 'riemann-right' | 'riemann-left' | 'riemann-middle';

/** Options of `integratedGradients`: the baseline the path starts from, and how finely and by which rule it is integrated. */
export interface IntegratedGradientsOptions extends TargetOptions {
  /**
   * Where the straight path starts: a number for every element (default 0: a black image, a
   * zero row), one example without the batch axis for every row, or a tensor per row. For a
   * model with several inputs, one such value per input (or one value for all).
   */
  baseline?: BaselineValue | readonly BaselineValue[];
  /** Intervals the path is cut into. Default 50. */
  steps?: number;
  /**
   * Quadrature rule. 'trapezoid' (default) has error O(1/steps²) on smooth models and evaluates
   * steps + 1 points per row; the Riemann rules evaluate `steps` points, with error O(1/steps)
   * ('riemann-right' is the rule of Sundararajan et al. 2017), O(1/steps²) for the middle rule.
   */
  method?: IntegrationRule;
  /** Path points per model call (rows × steps are batched together). Default 128. */
  batchSize?: number;
}

/** What `integratedGradients` returns: the attributions, scores and targets of every method, plus each row's baseline score and how far the attributions are from adding up to the score difference. */
export interface IntegratedGradientsResult extends ScoredRows {
  /** The score at each row's baseline. */
  baselineScores: number[];
  /**
   * Σ attributions − (score − baseline score) per row: zero for the exact integral (the
   * completeness axiom), so it measures the quadrature error. Raise `steps` when it is large
   * next to the score difference.
   */
  completenessGap: number[];
}

/** Nodes α on [0, 1] and their weights. */
export function quadrature(steps: number, method: IntegrationRule): { alphas: Float64Array; weights: Float64Array } {
  const count = method === 'trapezoid' ? steps + 1 : steps;
  const alphas = new Float64Array(count);
  const weights = new Float64Array(count).fill(1 / steps);
  for (let k = 0; k < count; k++) {
    alphas[k] = method === 'riemann-right' ? (k + 1) / steps : method === 'riemann-middle' ? (k + 0.5) / steps : k / steps;
  }
  if (method === 'trapezoid') {
    weights[0] = 1 / (2 * steps);
    weights[steps] = 1 / (2 * steps);
  }
  return { alphas, weights };
}

/**
 * Integrated gradients (Sundararajan, Taly & Yan 2017): each input element's attribution is
 * (x − b) times the gradient of the score averaged along the straight path from the baseline b
 * to x. A row's attributions add up to score(x) − score(b) (completeness); `completenessGap`
 * reports how far the quadrature is from that. For a linear model they are exactly w · (x − b).
 * All rows' path points are batched, so 100 rows cost about as many model calls as
 * 100 · (steps + 1) / batchSize.
 *
 * Caveat: the answer depends on the baseline. A black image says "what made this differ from
 * black", which credits nothing to black pixels however much they matter; try a blurred input
 * or the training mean when that question is the wrong one.
 *
 * @example
 * const result = integratedGradients(model, images, { baseline: 0, steps: 32, target: 'predicted' });
 * result.attributions[0].row(0);   // 784 pixel attributions of the first image
 * result.completenessGap[0];       // ≈ 0
 */
export function integratedGradients(model: ExplainableModel, inputs: tf.Tensor | readonly tf.Tensor[], options: IntegratedGradientsOptions = {}): IntegratedGradientsResult {
  const where = 'integratedGradients';
  const settings = checkOptions(options, where);
  const { list, single, n } = inputList(inputs, where);
  checkFloatInputs(list, where);
  return integrate(runnerOf(model, single, where), list, n, settings, where);
}

/** The integrated-gradients engine, shared with `embeddingAttributions` (its points are embeddings). */
export function integrate(run: Runner, list: tf.Tensor[], n: number, settings: IntegratedGradientsOptions, where: string): IntegratedGradientsResult {
  const steps = settings.steps === undefined ? 50 : checkPositiveInteger(settings.steps, 'steps', where, 100_000);
  const method = settings.method ?? 'trapezoid';
  if (!['trapezoid', 'riemann-right', 'riemann-left', 'riemann-middle'].includes(method)) {
    throw invalidValue('method', where, "'trapezoid', 'riemann-right', 'riemann-left' or 'riemann-middle'", method);
  }
  const batchSize = checkBatchSize(settings.batchSize, where);
  const { alphas, weights } = quadrature(steps, method);
  const baselines = resolveBaselines(settings.baseline, list, n, where);
  try {
    const deltas = list.map((x, i) => tf.tidy(() => tf.sub(x, baselines[i]!)));
    try {
      const { targets, scores } = resolveTargets(run, list, n, settings, batchSize, where);
      const baselineScores = scorePoints(run, n, (p) => p, (start, end) => baselines.map((b) => tf.slice(b, start, end - start)), targets, settings.output, batchSize, where);
      const nodes = alphas.length;
      const rowOf = (p: number) => Math.floor(p / nodes);
      const build = (start: number, end: number, rows: Int32Array) => {
        const index = tf.tensor1d(rows, 'int32');
        const alpha = Float32Array.from({ length: end - start }, (_, i) => alphas[(start + i) % nodes]!);
        return list.map((x, i) => {
          const a = tf.tensor(alpha, [end - start, ...x.shape.slice(1).map(() => 1)]);
          return tf.add(tf.gather(baselines[i]!, index), tf.mul(tf.gather(deltas[i]!, index), a));
        });
      };
      const sizes = list.map(rowSize);
      const sums = accumulateGradients(run, n * nodes, rowOf, build, (p) => weights[p % nodes]!, targets, sizes, n, settings.output, batchSize, false, where);
      const attributions = sums.map((sum, i) => {
        const delta = deltas[i]!.dataSync();
        const out = new Float32Array(sum.length);
        for (let j = 0; j < sum.length; j++) out[j] = sum[j]! * delta[j]!;
        return new AttributionArray(list[i]!.shape, out);
      });
      const totals = new Float64Array(n);
      sums.forEach((sum, i) => {
        const delta = deltas[i]!.dataSync();
        const size = sizes[i]!;
        for (let j = 0; j < sum.length; j++) totals[Math.floor(j / size)]! += sum[j]! * delta[j]!;
      });
      return {
        attributions,
        scores: Array.from(scores),
        baselineScores: Array.from(baselineScores),
        completenessGap: Array.from(totals, (total, r) => total - (scores[r]! - baselineScores[r]!)),
        targets: Array.from(targets),
      };
    } finally {
      tf.dispose(deltas);
    }
  } finally {
    tf.dispose(baselines);
  }
}

/** Options of `smoothGrad`: how many noisy copies, how much noise (and its seed), and which gradient map to average. */
export interface SmoothGradOptions extends TargetOptions {
  /** Noisy copies of each row. Default 25. */
  samples?: number;
  /**
   * Noise standard deviation as a fraction of each row's value range (max − min), per input.
   * Default 0.15 (Smilkov et al. 2017 found 0.1–0.2 best for images).
   */
  noiseLevel?: number;
  /** An absolute noise standard deviation instead of `noiseLevel`. */
  stddev?: number;
  /** Seed of the noise; the same seed gives the same map on every backend. Default 0. */
  seed?: number;
  /** 'gradient' (default) or 'gradient-x-input' (of each noisy copy). */
  method?: 'gradient' | 'gradient-x-input';
  /** Noisy copies per model call. Default 128. */
  batchSize?: number;
}

/** What `smoothGrad` returns: the averaged attributions, scores and targets, plus the noise level used per row and input. */
export interface SmoothGradResult extends ScoredRows {
  /** The noise standard deviation used, per row and input: `stddevs[r][i]`. */
  stddevs: number[][];
}

/**
 * SmoothGrad (Smilkov et al. 2017): the gradient averaged over `samples` copies of each row with
 * Gaussian noise added, which removes much of a plain gradient's speckle. The noise is drawn
 * from a seeded generator in JavaScript, so a seed gives the same map on cpu and on loom-wasm.
 *
 * Caveat: it is a sample mean, so it is noisy itself (its error shrinks as 1/√samples), and it
 * has no completeness property; the map shows where the score is sensitive, not how much each
 * element contributed.
 *
 * @example
 * const { attributions: [map] } = smoothGrad(model, image, { samples: 32, noiseLevel: 0.15, seed: 1 });
 */
export function smoothGrad(model: ExplainableModel, inputs: tf.Tensor | readonly tf.Tensor[], options: SmoothGradOptions = {}): SmoothGradResult {
  const where = 'smoothGrad';
  const settings = checkOptions(options, where);
  const samples = settings.samples === undefined ? 25 : checkPositiveInteger(settings.samples, 'samples', where, 100_000);
  const method = settings.method ?? 'gradient';
  if (method !== 'gradient' && method !== 'gradient-x-input') throw invalidValue('method', where, "'gradient' or 'gradient-x-input'", method);
  if (settings.stddev !== undefined && !(typeof settings.stddev === 'number' && Number.isFinite(settings.stddev) && settings.stddev >= 0)) {
    throw invalidValue('stddev', where, 'a finite number >= 0', settings.stddev);
  }
  const noiseLevel = settings.noiseLevel ?? 0.15;
  if (!(typeof noiseLevel === 'number' && Number.isFinite(noiseLevel) && noiseLevel >= 0)) throw invalidValue('noiseLevel', where, 'a finite number >= 0', noiseLevel);
  const seed = settings.seed ?? 0;
  if (!(typeof seed === 'number' && Number.isFinite(seed))) throw invalidValue('seed', where, 'a number', seed);
  const batchSize = checkBatchSize(settings.batchSize, where);
  const { list, single, n } = inputList(inputs, where);
  checkFloatInputs(list, where);
  const run = runnerOf(model, single, where);
  const { targets, scores } = resolveTargets(run, list, n, settings, batchSize, where);
  const sizes = list.map(rowSize);
  const values = list.map((x) => x.dataSync());
  const stddevs = Array.from({ length: n }, (_, r) =>
    list.map((_, i) => {
      if (settings.stddev !== undefined) return settings.stddev;
      const row = values[i]!.subarray(r * sizes[i]!, (r + 1) * sizes[i]!);
      let low = Infinity;
      let high = -Infinity;
      for (const v of row) {
        if (v < low) low = v;
        if (v > high) high = v;
      }
      return noiseLevel * (high - low);
    }),
  );
  const normal = gaussian(seededRandom(seed));
  const build = (start: number, end: number, rows: Int32Array) => {
    const index = tf.tensor1d(rows, 'int32');
    return list.map((x, i) => {
      const size = sizes[i]!;
      const noise = new Float32Array((end - start) * size);
      for (let p = 0; p < end - start; p++) {
        const sigma = stddevs[rows[p]!]![i]!;
        for (let d = 0; d < size; d++) noise[p * size + d] = sigma * normal();
      }
      return tf.add(tf.gather(x, index), tf.tensor(noise, [end - start, ...x.shape.slice(1)]));
    });
  };
  const sums = accumulateGradients(run, n * samples, (p) => Math.floor(p / samples), build, () => 1 / samples, targets, sizes, n, settings.output, batchSize, method === 'gradient-x-input', where);
  return {
    attributions: sums.map((sum, i) => new AttributionArray(list[i]!.shape, Float32Array.from(sum))),
    scores: Array.from(scores),
    targets: Array.from(targets),
    stddevs,
  };
}

/** Gradient methods differentiate the inputs: ids and booleans cannot be. */
function checkFloatInputs(list: tf.Tensor[], where: string): void {
  list.forEach((x, i) => {
    if (x.dtype !== 'float32') throw invalidValue(list.length === 1 ? 'inputs' : `inputs[${i}]`, where, 'float32 values (ids are not differentiable: use embeddingAttributions for token ids)', `dtype ${x.dtype}`);
  });
}

export function rowSize(x: tf.Tensor): number {
  return x.shape.slice(1).reduce((a, b) => a * b, 1);
}

export function checkOptions<T extends object>(options: T | undefined, where: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalidValue('options', where, 'an options object', options);
  return options;
}

/** Each input's baseline as a tensor [n, ...] (owned by the caller, who disposes it). */
export function resolveBaselines(baseline: BaselineValue | readonly BaselineValue[] | undefined, list: tf.Tensor[], n: number, where: string): tf.Tensor[] {
  const given = baseline === undefined ? list.map(() => 0) : Array.isArray(baseline) ? baseline : list.map(() => baseline as BaselineValue);
  if (given.length !== list.length) throw invalidValue('baseline', where, `one baseline per model input (${list.length})`, `${given.length} baselines`);
  const made: tf.Tensor[] = [];
  try {
    list.forEach((x, i) => {
      const value = given[i]!;
      const name = list.length === 1 ? 'baseline' : `baseline[${i}]`;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw invalidValue(name, where, 'a finite number or a tensor', value);
        made.push(tf.fill(x.shape, value, x.dtype === 'int32' ? 'int32' : 'float32'));
        return;
      }
      if (!(value instanceof tf.Tensor) || value.isDisposed) throw invalidValue(name, where, 'a finite number or a live tensor', value);
      const example = x.shape.slice(1);
      const sameAsRow = value.rank === example.length && example.every((d, k) => value.shape[k] === d);
      const sameAsInput = value.rank === x.rank && x.shape.every((d, k) => value.shape[k] === d);
      if (!sameAsRow && !sameAsInput) {
        throw invalidValue(name, where, `shape [${example.join(', ')}] (one example) or [${x.shape.join(', ')}] (one per row)`, `shape [${value.shape.join(', ')}]`);
      }
      made.push(tf.tidy(() => tf.cast(sameAsInput ? tf.clone(value) : tf.broadcastTo(tf.expandDims(value, 0), x.shape), x.dtype)));
    });
  } catch (error) {
    tf.dispose(made);
    throw error;
  }
  if (made.length !== list.length) throw new ExplainError(`${where}: internal error resolving baselines.`);
  return made;
}
