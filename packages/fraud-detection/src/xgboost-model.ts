import { parseJsonBounded } from '@loom-ml/core';
import { FraudError, invalidValue } from './errors.js';

const WHERE = 'XGBoostModel.fromJSON';
const f32 = Math.fround;

/**
 * Limits of `XGBoostModel.fromJSON`, each checked before anything is allocated in proportion to
 * what the file claims.
 *
 * @example
 * XGBoostModel.fromJSON(text, { maxBytes: 512 * 2 ** 20, maxNodes: 2 ** 26 }); // a large model you trust
 */
export interface XGBoostLimits {
  /** Largest JSON text, in bytes (default 64 MiB). */
  maxBytes?: number;
  /** Most trees (default 100,000). */
  maxTrees?: number;
  /** Most nodes, all trees together (default 2^24 = 16,777,216). */
  maxNodes?: number;
  /** Most input features (default 1,000,000). */
  maxFeatures?: number;
  /** Most classes of a multi-class model (default 10,000). */
  maxClasses?: number;
}

const DEFAULT_LIMITS: Required<XGBoostLimits> = { maxBytes: 64 * 2 ** 20, maxTrees: 100_000, maxNodes: 2 ** 24, maxFeatures: 1_000_000, maxClasses: 10_000 };

/** How an objective turns `base_score` into the starting margin, and margins into predictions (XGBoost 1.7's ObjFunction). */
type Link = 'identity' | 'logit' | 'log' | 'softmax' | 'argmax';

const OBJECTIVES: Record<string, { start: 'identity' | 'logit' | 'log'; output: Link; binary: boolean }> = {
  'reg:squarederror': { start: 'identity', output: 'identity', binary: false },
  'reg:pseudohubererror': { start: 'identity', output: 'identity', binary: false },
  'reg:logistic': { start: 'logit', output: 'logit', binary: true },
  'binary:logistic': { start: 'logit', output: 'logit', binary: true },
  // XGBoost 1.7 starts logitraw from base_score itself (its ProbToMargin is the identity there).
  'binary:logitraw': { start: 'identity', output: 'identity', binary: true },
  'count:poisson': { start: 'log', output: 'log', binary: false },
  'reg:gamma': { start: 'log', output: 'log', binary: false },
  'reg:tweedie': { start: 'log', output: 'log', binary: false },
  'multi:softprob': { start: 'identity', output: 'softmax', binary: false },
  'multi:softmax': { start: 'identity', output: 'argmax', binary: false },
};

/** The objectives `XGBoostModel` predicts for (each tested against XGBoost 1.7.4's own predictions). */
export const XGBOOST_OBJECTIVES: readonly string[] = /* @__PURE__ */ Object.keys(OBJECTIVES);

/** A row for `XGBoostModel`: numbers, with `NaN`, `null` or `undefined` for a missing value. */
export type XGBoostRow = ArrayLike<number | null | undefined>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(parent: Record<string, unknown>, key: string, path: string, expected = 'an object'): Record<string, unknown> {
  const value = Object.hasOwn(parent, key) ? parent[key] : undefined;
  if (!isRecord(value)) throw invalidValue(`${path}${key}`, WHERE, expected, value ?? null);
  return value;
}

/** XGBoost writes its parameters as strings ("5E-1", "3"); numbers are accepted too. */
function numberParam(parent: Record<string, unknown>, key: string, path: string, { integer = false, min = -Infinity, max = Infinity } = {}): number {
  const raw = Object.hasOwn(parent, key) ? parent[key] : undefined;
  const value = typeof raw === 'string' && raw.length <= 64 && raw.trim() !== '' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value)) || value < min || value > max) {
    const range = `${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? `${min > -Infinity ? ' and' : ''} <= ${max}` : ''}`;
    throw invalidValue(`${path}${key}`, WHERE, `${integer ? 'an integer' : 'a finite number'}${range} (as a number or XGBoost's string form)`, raw ?? null);
  }
  return value;
}

function limit(options: XGBoostLimits, key: keyof XGBoostLimits): number {
  const value = options[key] ?? DEFAULT_LIMITS[key];
  if (!Number.isSafeInteger(value) || value < 1) throw invalidValue(key, WHERE, 'a positive integer', value);
  return value;
}

/** The flat arrays of every tree, side by side; node `n` of tree `t` is at `offsets[t] + n`. */
interface Forest {
  offsets: Int32Array;
  left: Int32Array;
  right: Int32Array;
  feature: Int32Array;
  /** Split threshold of an internal node, leaf value of a leaf (both float32, as XGBoost stores them). */
  value: Float32Array;
  defaultLeft: Uint8Array;
  /** Output group (class) of each tree. */
  group: Int32Array;
}

function intArray(tree: Record<string, unknown>, key: string, path: string, length: number): unknown[] {
  const value = Object.hasOwn(tree, key) ? tree[key] : undefined;
  if (!Array.isArray(value) || value.length !== length) {
    throw invalidValue(`${path}.${key}`, WHERE, `an array of ${length} values (tree_param.num_nodes)`, Array.isArray(value) ? `${value.length} values` : (value ?? null));
  }
  return value;
}

/**
 * Checks one tree and copies it into the forest's arrays at `offset`. Every child index is a
 * node of this tree other than the root and is the child of one node only, so the nodes reached
 * from the root form a tree (no cycle, no shared subtree) and every path ends at a leaf.
 */
function readTree(tree: unknown, index: number, offset: number, nodes: number, features: number, forest: Forest): void {
  const path = `trees[${index}]`;
  if (!isRecord(tree)) throw invalidValue(path, WHERE, 'a tree object', tree);
  const left = intArray(tree, 'left_children', path, nodes);
  const right = intArray(tree, 'right_children', path, nodes);
  const splitIndices = intArray(tree, 'split_indices', path, nodes);
  const conditions = intArray(tree, 'split_conditions', path, nodes);
  const defaultLeft = intArray(tree, 'default_left', path, nodes);
  const splitType = Object.hasOwn(tree, 'split_type') ? tree.split_type : undefined;
  if (splitType !== undefined && (!Array.isArray(splitType) || splitType.length !== nodes)) throw invalidValue(`${path}.split_type`, WHERE, `an array of ${nodes} values`, Array.isArray(splitType) ? `${splitType.length} values` : splitType);
  const isChild = new Uint8Array(nodes);
  for (let n = 0; n < nodes; n++) {
    const l = left[n];
    const r = right[n];
    forest.left[offset + n] = -1;
    forest.right[offset + n] = -1;
    if (l === -1 && r === -1) continue;
    for (const [side, child] of [['left_children', l], ['right_children', r]] as const) {
      if (typeof child !== 'number' || !Number.isInteger(child) || child < 1 || child >= nodes) {
        throw invalidValue(`${path}.${side}[${n}]`, WHERE, `a node index from 1 to ${nodes - 1}, or -1 on both sides for a leaf`, child ?? null);
      }
      if (isChild[child]) throw invalidValue(`${path}.${side}[${n}]`, WHERE, `a node that is no other node's child (node ${child} has two parents: the tree would share a subtree or loop)`, child);
      isChild[child] = 1;
    }
    forest.left[offset + n] = l as number;
    forest.right[offset + n] = r as number;
  }
  // The root is no node's child and every other node has at most one parent, so walking down
  // from the root visits each node at most once: the reached nodes form a tree. Only they must
  // be well formed (pruned trees keep deleted nodes nothing points to).
  const reached = new Uint8Array(nodes);
  const stack = [0];
  while (stack.length > 0) {
    const n = stack.pop()!;
    reached[n] = 1;
    if (forest.left[offset + n] !== -1) stack.push(forest.left[offset + n]!, forest.right[offset + n]!);
  }
  for (let n = 0; n < nodes; n++) {
    if (!reached[n]) continue;
    if (forest.left[offset + n] === -1) {
      const leaf = conditions[n];
      if (typeof leaf !== 'number' || !Number.isFinite(leaf)) throw invalidValue(`${path}.split_conditions[${n}]`, WHERE, 'a finite leaf value', leaf ?? null);
      forest.value[offset + n] = leaf;
      continue;
    }
    const feature = splitIndices[n];
    if (typeof feature !== 'number' || !Number.isInteger(feature) || feature < 0 || feature >= features) {
      throw invalidValue(`${path}.split_indices[${n}]`, WHERE, `a feature index from 0 to ${features - 1} (learner_model_param.num_feature)`, feature ?? null);
    }
    const threshold = conditions[n];
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw invalidValue(`${path}.split_conditions[${n}]`, WHERE, 'a finite split threshold', threshold ?? null);
    const missingLeft = defaultLeft[n];
    if (missingLeft !== 0 && missingLeft !== 1 && missingLeft !== true && missingLeft !== false) throw invalidValue(`${path}.default_left[${n}]`, WHERE, '0 or 1', missingLeft ?? null);
    if (Array.isArray(splitType) && splitType[n] !== 0) {
      throw invalidValue(`${path}.split_type[${n}]`, WHERE, '0 (a numerical split; categorical splits are not supported: one-hot encode categories before training)', splitType[n]);
    }
    forest.feature[offset + n] = feature;
    forest.value[offset + n] = threshold;
    forest.defaultLeft[offset + n] = missingLeft === 1 || missingLeft === true ? 1 : 0;
  }
}

/**
 * A model trained by XGBoost 1.x (tested with 1.7.4), read from the JSON file
 * `booster.save_model('model.json')` writes, predicting as XGBoost does: float32 splits (`value
 * < threshold` goes left; a missing value — `NaN`, `null` or `undefined` — follows the node's
 * default direction), leaves summed in float32 from `base_score`'s margin, in tree order, then
 * the objective's transform. Predictions match XGBoost's own to 1e-6 (tested on binary:logistic,
 * binary:logitraw, reg:logistic, reg:squarederror, reg:pseudohubererror, count:poisson,
 * reg:gamma, reg:tweedie, multi:softprob, multi:softmax and a random forest of parallel trees,
 * with missing values).
 *
 * The file is treated as hostile: bounded size, tree count, node count, features and classes
 * (`XGBoostLimits`); every tree's arrays of the declared length; child indices inside the tree,
 * each node the child of at most one parent and the root of none (so no cycle); feature indices
 * below `num_feature`; finite thresholds and leaves; gbtree only (dart, gblinear, categorical
 * splits and vector leaves are refused by name). Every refusal is a `FraudError` naming the field.
 *
 * @example
 * const model = XGBoostModel.fromJSON(await (await fetch('/models/xgboost.json')).text());
 * model.predictProba([[0.5, NaN, 3], [1.2, 4, null]]); // P(class 1) per row, as booster.predict
 */
export class XGBoostModel {
  /** The XGBoost objective, e.g. 'binary:logistic'. */
  readonly objective: string;
  /** Input features per row (`learner_model_param.num_feature`). */
  readonly features: number;
  /** Output groups: the number of classes of a multi-class model, else 1. */
  readonly groups: number;
  /** `base_score` as stored (probability scale for logistic objectives). */
  readonly baseScore: number;
  /** Number of trees. */
  readonly trees: number;
  private readonly forest: Forest;
  private readonly baseMargin: number;
  private readonly output: Link;
  private readonly binary: boolean;
  private readonly json: unknown;

  private constructor(fields: { objective: string; features: number; groups: number; baseScore: number; forest: Forest; json: unknown }) {
    this.objective = fields.objective;
    this.features = fields.features;
    this.groups = fields.groups;
    this.baseScore = fields.baseScore;
    this.forest = fields.forest;
    this.trees = fields.forest.group.length;
    this.json = fields.json;
    const spec = OBJECTIVES[fields.objective]!;
    this.output = spec.output;
    this.binary = spec.binary;
    const b = f32(fields.baseScore);
    // ObjFunction::ProbToMargin, in float32 as XGBoost computes it.
    this.baseMargin = spec.start === 'logit' ? f32(-f32(Math.log(f32(f32(1 / b) - 1)))) : spec.start === 'log' ? f32(Math.log(b)) : b;
  }

  /**
   * Reads an XGBoost JSON model (the text, its bytes, or the parsed object), checking it first
   * (see the class notes and `XGBoostLimits`).
   *
   * @example
   * import { readFile } from 'node:fs/promises';
   * const model = XGBoostModel.fromJSON(await readFile('xgboost.json', 'utf8'));
   */
  static fromJSON(source: unknown, options: XGBoostLimits = {}): XGBoostModel {
    const maxBytes = limit(options, 'maxBytes');
    const maxTrees = limit(options, 'maxTrees');
    const maxNodes = limit(options, 'maxNodes');
    const maxFeatures = limit(options, 'maxFeatures');
    const maxClasses = limit(options, 'maxClasses');
    const json = typeof source === 'string' || source instanceof Uint8Array ? parseJsonBounded(source, { maxBytes, maxDepth: 16, what: 'XGBoost model' }) : source;
    if (!isRecord(json)) throw invalidValue('model', WHERE, "an XGBoost JSON model (booster.save_model('model.json'))", json);
    const version = json.version;
    // Only 1.x is tested (1.7.4); 2.x changed how base_score is estimated and stored, so it is
    // refused rather than predicted on unchecked.
    if (!Array.isArray(version) || version[0] !== 1) {
      throw invalidValue('version', WHERE, '[1, x, y] (a model saved by XGBoost 1.x; tested with 1.7.4, 2.x files are not read yet)', version ?? null);
    }
    const learner = field(json, 'learner', '');
    const params = field(learner, 'learner_model_param', 'learner.');
    const features = numberParam(params, 'num_feature', 'learner.learner_model_param.', { integer: true, min: 1, max: maxFeatures });
    const numClass = numberParam(params, 'num_class', 'learner.learner_model_param.', { integer: true, min: 0, max: maxClasses });
    if (Object.hasOwn(params, 'num_target') && numberParam(params, 'num_target', 'learner.learner_model_param.', { integer: true, min: 1 }) !== 1) {
      throw invalidValue('learner.learner_model_param.num_target', WHERE, '1 (multi-target models are not supported)', params.num_target);
    }
    const baseScore = numberParam(params, 'base_score', 'learner.learner_model_param.');
    const objectiveName = field(learner, 'objective', 'learner.').name;
    if (typeof objectiveName !== 'string' || !Object.hasOwn(OBJECTIVES, objectiveName)) {
      throw invalidValue('learner.objective.name', WHERE, `one of ${XGBOOST_OBJECTIVES.join(', ')}`, objectiveName ?? null);
    }
    const spec = OBJECTIVES[objectiveName]!;
    const multi = spec.output === 'softmax' || spec.output === 'argmax';
    if (multi !== numClass > 1) throw invalidValue('learner.learner_model_param.num_class', WHERE, multi ? `2 or more for ${objectiveName}` : `0 or 1 for ${objectiveName}`, params.num_class);
    if (spec.start === 'logit' && !(baseScore > 0 && baseScore < 1)) throw invalidValue('learner.learner_model_param.base_score', WHERE, `a probability in (0, 1) for ${objectiveName}`, params.base_score);
    if (spec.start === 'log' && !(baseScore > 0)) throw invalidValue('learner.learner_model_param.base_score', WHERE, `a positive number for ${objectiveName}`, params.base_score);
    const groups = multi ? numClass : 1;

    const booster = field(learner, 'gradient_booster', 'learner.');
    if (booster.name !== 'gbtree') {
      throw invalidValue('learner.gradient_booster.name', WHERE, "'gbtree' (dart and gblinear boosters are not supported)", booster.name ?? null);
    }
    const model = field(booster, 'model', 'learner.gradient_booster.');
    const trees = model.trees;
    if (!Array.isArray(trees)) throw invalidValue('learner.gradient_booster.model.trees', WHERE, 'an array of trees', trees ?? null);
    if (trees.length > maxTrees) throw invalidValue('learner.gradient_booster.model.trees', WHERE, `at most ${maxTrees} trees (the maxTrees limit)`, `${trees.length} trees`);
    const treeParam = field(model, 'gbtree_model_param', 'learner.gradient_booster.model.');
    const declared = numberParam(treeParam, 'num_trees', 'learner.gradient_booster.model.gbtree_model_param.', { integer: true, min: 0 });
    if (declared !== trees.length) throw invalidValue('learner.gradient_booster.model.gbtree_model_param.num_trees', WHERE, `${trees.length} (the trees in the file)`, treeParam.num_trees);
    const treeInfo = model.tree_info;
    if (!Array.isArray(treeInfo) || treeInfo.length !== trees.length) {
      throw invalidValue('learner.gradient_booster.model.tree_info', WHERE, `an array of ${trees.length} output groups (one per tree)`, Array.isArray(treeInfo) ? `${treeInfo.length} values` : (treeInfo ?? null));
    }
    // Node counts first: nothing is allocated for the forest until the total is known to be within maxNodes.
    const counts = trees.map((tree, t) => {
      if (!isRecord(tree)) throw invalidValue(`trees[${t}]`, WHERE, 'a tree object', tree);
      const param = field(tree, 'tree_param', `trees[${t}].`);
      if (Object.hasOwn(param, 'size_leaf_vector') && numberParam(param, 'size_leaf_vector', `trees[${t}].tree_param.`, { integer: true, min: 0 }) !== 0) {
        throw invalidValue(`trees[${t}].tree_param.size_leaf_vector`, WHERE, '0 (vector leaves are not supported)', param.size_leaf_vector);
      }
      const group = treeInfo[t];
      if (typeof group !== 'number' || !Number.isInteger(group) || group < 0 || group >= groups) throw invalidValue(`learner.gradient_booster.model.tree_info[${t}]`, WHERE, `an output group from 0 to ${groups - 1}`, group ?? null);
      return numberParam(param, 'num_nodes', `trees[${t}].tree_param.`, { integer: true, min: 1, max: maxNodes });
    });
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > maxNodes) throw new FraudError(`${WHERE}: the trees have ${total} nodes in all, more than the maxNodes limit of ${maxNodes} (raise it if you trust the model).`);
    const forest: Forest = {
      offsets: new Int32Array(trees.length + 1),
      left: new Int32Array(total),
      right: new Int32Array(total),
      feature: new Int32Array(total),
      value: new Float32Array(total),
      defaultLeft: new Uint8Array(total),
      group: Int32Array.from(treeInfo as number[]),
    };
    let offset = 0;
    trees.forEach((tree, t) => {
      forest.offsets[t] = offset;
      readTree(tree, t, offset, counts[t]!, features, forest);
      offset += counts[t]!;
    });
    forest.offsets[trees.length] = offset;
    return new XGBoostModel({ objective: objectiveName, features, groups, baseScore, forest, json });
  }

  /** The JSON this model was read from (an XGBoost model file: `xgboost.Booster().load_model` reads it). */
  toJSON(): unknown {
    return this.json;
  }

  /** Rows as float32, missing values NaN, after checking their width. */
  private pack(rows: readonly XGBoostRow[], where: string): Float32Array {
    if (!Array.isArray(rows)) throw invalidValue('rows', where, 'an array of feature rows', rows);
    rows.forEach((row, i) => {
      if (row === null || typeof row !== 'object' || row.length !== this.features) throw new FraudError(`${where}: row ${i} has ${row?.length} features, expected ${this.features}.`);
    });
    const values = new Float32Array(rows.length * this.features);
    rows.forEach((row, i) => {
      for (let j = 0; j < this.features; j++) {
        const v = row[j];
        if (v === null || v === undefined || Number.isNaN(v)) values[i * this.features + j] = NaN;
        else if (typeof v !== 'number' || !Number.isFinite(v)) throw new FraudError(`${where}: row ${i}, feature ${j} is ${String(v)}; expected a finite number, or NaN / null for a missing value.`);
        else values[i * this.features + j] = v;
      }
    });
    return values;
  }

  /**
   * The raw margins (`booster.predict(data, output_margin=True)`): one per row, or `groups` per
   * row (row-major) for a multi-class model.
   *
   * @example
   * model.predictMargin([[1, NaN, 2]]); // log-odds for binary:logistic
   */
  predictMargin(rows: readonly XGBoostRow[]): Float64Array {
    const x = this.pack(rows, 'XGBoostModel.predictMargin');
    return this.margins(x, rows.length);
  }

  private margins(x: Float32Array, count: number): Float64Array {
    const { offsets, left, right, feature, value, defaultLeft, group } = this.forest;
    const groups = this.groups;
    const out = new Float64Array(count * groups);
    const sums = new Float32Array(groups);
    for (let r = 0; r < count; r++) {
      const base = r * this.features;
      sums.fill(this.baseMargin);
      for (let t = 0; t < group.length; t++) {
        const offset = offsets[t]!;
        let node = 0;
        while (left[offset + node] !== -1) {
          const v = x[base + feature[offset + node]!]!;
          // NaN compares false: missing values take the default direction instead.
          node = v !== v ? (defaultLeft[offset + node] ? left[offset + node]! : right[offset + node]!) : v < value[offset + node]! ? left[offset + node]! : right[offset + node]!;
        }
        // Float32Array stores round each sum to float32, as XGBoost's float accumulator does.
        const g = group[t]!;
        sums[g] = sums[g]! + value[offset + node]!;
      }
      for (let g = 0; g < groups; g++) out[r * groups + g] = sums[g]!;
    }
    return out;
  }

  /**
   * Predictions as `booster.predict(data)` gives them: probabilities for logistic objectives,
   * values for regression, `exp(margin)` for count/gamma/tweedie, class probabilities (`groups`
   * per row) for multi:softprob, the class index for multi:softmax.
   *
   * @example
   * model.predict([[1, NaN, 2], [0, 3, null]]);
   */
  predict(rows: readonly XGBoostRow[]): Float64Array {
    const margins = this.margins(this.pack(rows, 'XGBoostModel.predict'), rows.length);
    return this.transform(margins, rows.length);
  }

  private transform(margins: Float64Array, count: number): Float64Array {
    switch (this.output) {
      case 'identity':
        return margins;
      case 'logit':
        return margins.map((m) => f32(1 / f32(1 + f32(Math.exp(-m)))));
      case 'log':
        return margins.map((m) => f32(Math.exp(m)));
      default: {
        const k = this.groups;
        const out = new Float64Array(this.output === 'argmax' ? count : count * k);
        for (let r = 0; r < count; r++) {
          const row = margins.subarray(r * k, (r + 1) * k);
          if (this.output === 'argmax') {
            let best = 0;
            for (let g = 1; g < k; g++) if (row[g]! > row[best]!) best = g;
            out[r] = best;
            continue;
          }
          let max = -Infinity;
          for (const m of row) max = Math.max(max, m);
          let sum = 0;
          for (let g = 0; g < k; g++) sum = f32(sum + f32(Math.exp(row[g]! - max)));
          for (let g = 0; g < k; g++) out[r * k + g] = f32(f32(Math.exp(row[g]! - max)) / sum);
        }
        return out;
      }
    }
  }

  /**
   * P(label = 1) per row, for the binary objectives (binary:logistic, reg:logistic,
   * binary:logitraw): the same interface as the package's other classifiers.
   *
   * @example
   * const scores = model.predictProba(encoder.transform(rows));
   */
  predictProba(rows: readonly XGBoostRow[]): Float64Array {
    if (!this.binary) throw new FraudError(`XGBoostModel.predictProba: the model's objective is ${this.objective}; predictProba is for binary:logistic, reg:logistic and binary:logitraw (use predict).`);
    const margins = this.margins(this.pack(rows, 'XGBoostModel.predictProba'), rows.length);
    return margins.map((m) => f32(1 / f32(1 + f32(Math.exp(-m)))));
  }

  /**
   * The log-odds of label 1 per row (the margin) for the binary objectives: additive over trees,
   * the scale explanations work on.
   *
   * @example
   * model.logOdds([[1, 2, 3]]);
   */
  logOdds(rows: readonly XGBoostRow[]): Float64Array {
    if (!this.binary) throw new FraudError(`XGBoostModel.logOdds: the model's objective is ${this.objective}; logOdds is for binary:logistic, reg:logistic and binary:logitraw (use predictMargin).`);
    return this.margins(this.pack(rows, 'XGBoostModel.logOdds'), rows.length);
  }
}
