import { FraudError, invalidValue } from './errors.js';
import { binaryLabels, packRows, type FeatureRows } from './feature-matrix.js';
import { seededRandom } from './random.js';
import { checkSavedFormat, savedNumber } from './saved-json.js';

/** Options of `new GradientBoostedTrees`: rounds, learning rate, tree size, regularisation, histogram bins, row sampling, class weights and seed. */
export interface GradientBoostedTreesOptions {
  /** Boosting rounds (trees). Default 200. */
  trees?: number;
  /** Shrinkage applied to every leaf value. Default 0.05. */
  learningRate?: number;
  /** Depth of each tree (1 = stumps). Default 3. */
  maxDepth?: number;
  /** Minimum sum of hessians p(1-p) (times weights) in each child. Default 1. */
  minChildWeight?: number;
  /** L2 penalty on leaf values (XGBoost's lambda). Default 1. */
  l2?: number;
  /** Histogram bins per feature (quantiles of the training values). Default 64. */
  bins?: number;
  /** Fraction of rows each tree sees (sampled without replacement). Default 1. */
  subsample?: number;
  /** Weight of [class 0, class 1] rows in the loss, e.g. from `balancedClassWeights`. Default [1, 1]. */
  classWeight?: readonly [number, number];
  seed?: number;
}

/** One tree, as parallel arrays: node i splits on `feature[i] >= 0` at `threshold[i]`, or is a leaf of `value[i]`. */
interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** What `GradientBoostedTrees.toJSON` writes. */
export interface GradientBoostedTreesJSON {
  format: 'loom-ml/gradient-boosted-trees';
  version: 1;
  features: number;
  baseScore: number;
  trees: Tree[];
}

const WHERE = 'GradientBoostedTrees';

/**
 * Gradient-boosted decision trees for binary labels, as in XGBoost and LightGBM: each round
 * fits a tree to the logistic loss's gradient g = p - y and hessian h = p(1 - p) (Newton
 * boosting), choosing splits on per-feature quantile histograms by the gain
 * G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ), with leaf values -G/(H+λ) times the learning rate.
 * Pure TypeScript on typed arrays: no tensors, deterministic for a seed.
 *
 * @example
 * const model = new GradientBoostedTrees({ trees: 300, maxDepth: 3, learningRate: 0.05, seed: 1 }).fit(rows, labels);
 * model.predictProba(rows); // Float64Array of P(label = 1)
 */
export class GradientBoostedTrees {
  private readonly options: Required<Omit<GradientBoostedTreesOptions, 'classWeight'>> & { classWeight: readonly [number, number] };
  private trees: Tree[] = [];
  private baseScore = 0;
  private features = 0;
  private gains: Float64Array = new Float64Array(0);

  constructor(options: GradientBoostedTreesOptions = {}) {
    const resolved = {
      trees: options.trees ?? 200,
      learningRate: options.learningRate ?? 0.05,
      maxDepth: options.maxDepth ?? 3,
      minChildWeight: options.minChildWeight ?? 1,
      l2: options.l2 ?? 1,
      bins: options.bins ?? 64,
      subsample: options.subsample ?? 1,
      classWeight: options.classWeight ?? ([1, 1] as const),
      seed: options.seed ?? 0,
    };
    const positiveInteger = (v: number) => Number.isInteger(v) && v > 0;
    if (!positiveInteger(resolved.trees)) throw invalidValue('trees', WHERE, 'a positive integer', resolved.trees);
    if (!positiveInteger(resolved.maxDepth)) throw invalidValue('maxDepth', WHERE, 'a positive integer', resolved.maxDepth);
    if (!(Number.isInteger(resolved.bins) && resolved.bins >= 2)) throw invalidValue('bins', WHERE, 'an integer >= 2', resolved.bins);
    if (!(resolved.learningRate > 0)) throw invalidValue('learningRate', WHERE, 'a positive number', resolved.learningRate);
    if (!(resolved.minChildWeight >= 0)) throw invalidValue('minChildWeight', WHERE, 'a number >= 0', resolved.minChildWeight);
    if (!(resolved.l2 >= 0)) throw invalidValue('l2', WHERE, 'a number >= 0', resolved.l2);
    if (!(resolved.subsample > 0 && resolved.subsample <= 1)) throw invalidValue('subsample', WHERE, 'a number in (0, 1]', resolved.subsample);
    const weights = resolved.classWeight;
    if (!Array.isArray(weights) || weights.length !== 2 || !weights.every((w) => w > 0)) throw invalidValue('classWeight', WHERE, 'two positive numbers [class 0, class 1]', weights);
    this.options = resolved;
  }

  /** Fits the trees on rows of numeric features and 0/1 labels. */
  fit(rows: FeatureRows, labels: ArrayLike<number>): this {
    const { values, rows: count, width } = packRows(rows, `${WHERE}.fit`);
    const y = binaryLabels(labels, count, `${WHERE}.fit`);
    const { trees, learningRate, maxDepth, minChildWeight, l2, bins, subsample, classWeight, seed } = this.options;
    const weight = Float64Array.from(y, (label) => classWeight[label]!);
    const { binned, thresholds } = binFeatures(values, count, width, bins);
    let positive = 0;
    let total = 0;
    for (let i = 0; i < count; i++) {
      positive += weight[i]! * y[i]!;
      total += weight[i]!;
    }
    if (positive === 0 || positive === total) throw new FraudError(`${WHERE}.fit: the labels hold one class only; both 0 and 1 are needed.`);
    this.baseScore = Math.log(positive / (total - positive));
    this.features = width;
    this.gains = new Float64Array(width);
    this.trees = [];
    const margin = new Float64Array(count).fill(this.baseScore);
    const gradient = new Float64Array(count);
    const hessian = new Float64Array(count);
    const random = seededRandom(seed);
    const all = Int32Array.from({ length: count }, (_, i) => i);
    for (let round = 0; round < trees; round++) {
      for (let i = 0; i < count; i++) {
        const p = 1 / (1 + Math.exp(-margin[i]!));
        gradient[i] = weight[i]! * (p - y[i]!);
        hessian[i] = weight[i]! * Math.max(p * (1 - p), 1e-16);
      }
      const sample = subsample < 1 ? sampleRows(all, Math.max(1, Math.round(subsample * count)), random) : all;
      const tree = growTree(sample, binned, thresholds, width, gradient, hessian, { maxDepth, minChildWeight, l2, learningRate }, this.gains);
      this.trees.push(tree);
      for (let i = 0; i < count; i++) margin[i] = margin[i]! + predictTree(tree, values, i * width);
    }
    return this;
  }

  /** P(label = 1) for each row. */
  predictProba(rows: FeatureRows): Float64Array {
    const margins = this.logOdds(rows);
    return margins.map((m) => 1 / (1 + Math.exp(-m)));
  }

  /** The summed tree outputs plus the base score (log-odds) for each row. */
  logOdds(rows: FeatureRows): Float64Array {
    if (this.trees.length === 0) throw new FraudError(`${WHERE}: call fit() (or fromJSON) before scoring.`);
    const { values, rows: count, width } = packRows(rows, `${WHERE}.predictProba`, this.features);
    const out = new Float64Array(count).fill(this.baseScore);
    for (const tree of this.trees) for (let i = 0; i < count; i++) out[i] = out[i]! + predictTree(tree, values, i * width);
    return out;
  }

  /** Total split gain per feature over all trees (higher = more used for the loss reduction). */
  featureImportance(): Float64Array {
    return this.gains.length === this.features ? Float64Array.from(this.gains) : new Float64Array(this.features);
  }

  /** The fitted trees as plain, versioned JSON (`GradientBoostedTrees.fromJSON` reads it); throws before `fit`. */
  toJSON(): GradientBoostedTreesJSON {
    if (this.trees.length === 0) throw new FraudError(`${WHERE}: call fit() before toJSON().`);
    return { format: 'loom-ml/gradient-boosted-trees', version: 1, features: this.features, baseScore: this.baseScore, trees: this.trees.map((t) => ({ ...t })) };
  }

  /** Restores a model saved by `toJSON`; a malformed field is named in the error. */
  static fromJSON(json: unknown): GradientBoostedTrees {
    const where = `${WHERE}.fromJSON`;
    const record = checkSavedFormat(json, 'loom-ml/gradient-boosted-trees', 1, where);
    const features = savedNumber(record, 'features', where);
    if (!(Number.isInteger(features) && features > 0)) throw invalidValue('features', where, 'a positive integer', features);
    const model = new GradientBoostedTrees();
    model.features = features;
    model.baseScore = savedNumber(record, 'baseScore', where);
    if (!Array.isArray(record.trees) || record.trees.length === 0) throw invalidValue('trees', where, 'a non-empty array of trees', record.trees ?? null);
    model.trees = record.trees.map((tree: unknown, t: number) => checkTree(tree, t, features, where));
    // Gains are not saved: featureImportance() of a loaded model is all zeros, made when asked
    // (so a file declaring a billion features allocates nothing on load).
    return model;
  }
}

function checkTree(tree: unknown, t: number, features: number, where: string): Tree {
  const record = (typeof tree === 'object' && tree !== null ? tree : {}) as Record<string, unknown>;
  const fields = ['feature', 'threshold', 'left', 'right', 'value'] as const;
  const arrays = fields.map((field) => {
    const value = record[field];
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw invalidValue(`trees[${t}].${field}`, where, 'a non-empty array of finite numbers', value ?? null);
    }
    return value as number[];
  });
  const size = arrays[0]!.length;
  if (!arrays.every((a) => a.length === size)) throw invalidValue(`trees[${t}]`, where, 'arrays of one length per node', `lengths ${arrays.map((a) => a.length).join(', ')}`);
  const [feature, , left, right] = arrays as [number[], number[], number[], number[], number[]];
  for (let node = 0; node < size; node++) {
    const f = feature[node]!;
    if (f === -1) continue;
    if (!(Number.isInteger(f) && f >= 0 && f < features)) throw invalidValue(`trees[${t}].feature[${node}]`, where, `-1 (leaf) or a feature index below ${features}`, f);
    // Children come after their parent, so a saved tree cannot loop.
    for (const [name, child] of [['left', left[node]!], ['right', right[node]!]] as const) {
      if (!(Number.isInteger(child) && child > node && child < size)) throw invalidValue(`trees[${t}].${name}[${node}]`, where, `a node index in (${node}, ${size})`, child);
    }
  }
  const [, threshold, , , value] = arrays;
  return { feature, threshold: threshold!, left, right, value: value! };
}

function predictTree(tree: Tree, values: Float32Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = values[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

/**
 * Per feature, up to `bins - 1` thresholds at quantiles of the distinct training values; a
 * value's bin is the first threshold it does not exceed (so "bin <= b" means "value <= t_b").
 */
function binFeatures(values: Float32Array, count: number, width: number, bins: number): { binned: Uint8Array | Uint16Array; thresholds: Float64Array[] } {
  const binned = bins <= 256 ? new Uint8Array(count * width) : new Uint16Array(count * width);
  const thresholds: Float64Array[] = [];
  const column = new Float64Array(count);
  for (let j = 0; j < width; j++) {
    for (let i = 0; i < count; i++) column[i] = values[i * width + j]!;
    const sorted = Float64Array.from(column).sort();
    const distinct: number[] = [];
    for (let i = 0; i < count; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
    const cuts: number[] = [];
    if (distinct.length <= bins) {
      for (let k = 0; k + 1 < distinct.length; k++) cuts.push((distinct[k]! + distinct[k + 1]!) / 2);
    } else {
      for (let k = 1; k < bins; k++) {
        const v = sorted[Math.floor((k * count) / bins)]!;
        if (cuts.length === 0 || v > cuts[cuts.length - 1]!) cuts.push(v);
      }
    }
    const t = Float64Array.from(cuts);
    thresholds.push(t);
    for (let i = 0; i < count; i++) {
      let lo = 0;
      let hi = t.length;
      const v = column[i]!;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= t[mid]!) hi = mid;
        else lo = mid + 1;
      }
      binned[i * width + j] = lo;
    }
  }
  return { binned, thresholds };
}

function sampleRows(all: Int32Array, size: number, random: () => number): Int32Array {
  const copy = Int32Array.from(all);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    const swap = copy[i]!;
    copy[i] = copy[j]!;
    copy[j] = swap;
  }
  return copy.slice(0, size).sort();
}

interface GrowOptions {
  maxDepth: number;
  minChildWeight: number;
  l2: number;
  learningRate: number;
}

function growTree(
  rows: Int32Array,
  binned: Uint8Array | Uint16Array,
  thresholds: Float64Array[],
  width: number,
  gradient: Float64Array,
  hessian: Float64Array,
  options: GrowOptions,
  gains: Float64Array,
): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const grow = (members: Int32Array, depth: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(0);
    tree.right.push(0);
    tree.value.push(0);
    let g = 0;
    let h = 0;
    for (const i of members) {
      g += gradient[i]!;
      h += hessian[i]!;
    }
    tree.value[node] = (-g / (h + options.l2)) * options.learningRate;
    if (depth >= options.maxDepth || members.length < 2) return node;
    const parentScore = (g * g) / (h + options.l2);
    let bestGain = 0;
    let bestFeature = -1;
    let bestBin = -1;
    for (let j = 0; j < width; j++) {
      const cuts = thresholds[j]!.length;
      if (cuts === 0) continue;
      const histG = new Float64Array(cuts + 1);
      const histH = new Float64Array(cuts + 1);
      for (const i of members) {
        const b = binned[i * width + j]!;
        histG[b] = histG[b]! + gradient[i]!;
        histH[b] = histH[b]! + hessian[i]!;
      }
      let leftG = 0;
      let leftH = 0;
      for (let b = 0; b < cuts; b++) {
        leftG += histG[b]!;
        leftH += histH[b]!;
        const rightH = h - leftH;
        if (leftH < options.minChildWeight || rightH < options.minChildWeight) continue;
        const rightG = g - leftG;
        const gain = (leftG * leftG) / (leftH + options.l2) + (rightG * rightG) / (rightH + options.l2) - parentScore;
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          bestFeature = j;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) return node;
    gains[bestFeature] = gains[bestFeature]! + bestGain;
    const leftMembers: number[] = [];
    const rightMembers: number[] = [];
    for (const i of members) (binned[i * width + bestFeature]! <= bestBin ? leftMembers : rightMembers).push(i);
    tree.feature[node] = bestFeature;
    tree.threshold[node] = thresholds[bestFeature]![bestBin]!;
    tree.left[node] = grow(Int32Array.from(leftMembers), depth + 1);
    tree.right[node] = grow(Int32Array.from(rightMembers), depth + 1);
    return node;
  };
  grow(rows, 0);
  return tree;
}
