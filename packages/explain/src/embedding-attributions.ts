import * as tf from '@tensorflow/tfjs-core';
import { ExplainError, checkPositiveInteger, invalidValue } from './errors.js';
import { checkOptions, integrate, type IntegrationRule } from './gradient-methods.js';
import { inputList, type ApplyModel, type Runner, type TargetOptions } from './model-scores.js';

/** The part of a `@loom-ml/layers` layer this module uses. */
interface LayerLike {
  readonly name: string;
  readonly className: string;
  apply(inputs: tf.Tensor | tf.Tensor[], options?: object): tf.Tensor;
}

/** A layers model (Sequential or functional) whose layers include an embedding. */
export interface ModelWithLayers extends ApplyModel {
  readonly layers: readonly LayerLike[];
}

/** A text model given as two functions: ids to embeddings, and embeddings to the output. */
export interface SplitTextModel {
  /** Ids `[n, length]` to their embeddings `[n, length, dim]`. */
  embed(ids: tf.Tensor): tf.Tensor;
  /** Embeddings to the model's output(s), as the rest of the model computes them. */
  fromEmbeddings(embedded: tf.Tensor): tf.Tensor | tf.Tensor[];
}

/** Options of `embeddingAttributions`: which embedding layer, the baseline id, and the integration's steps and rule. */
export interface EmbeddingAttributionsOptions extends TargetOptions {
  /**
   * The layer whose output is attributed, by name or as the layer itself. Default: the model's
   * only layer whose class name ends in `Embedding` (Embedding, PositionalEmbedding,
   * TokenAndPositionEmbedding).
   */
  embeddingLayer?: string | LayerLike;
  /** The id whose embedding is the baseline at every position. Default 0 (padding). */
  baselineId?: number;
  /** Intervals of the path from the baseline embeddings to the review's. Default 50. */
  steps?: number;
  /** Quadrature rule, as in `integratedGradients`. Default 'trapezoid'. */
  method?: IntegrationRule;
  /** For a model with several inputs: which one holds the token ids. Default 0. */
  idsInput?: number;
  /** Path points per model call. Default 128. */
  batchSize?: number;
}

/**
 * What `embeddingAttributions` returns: integrated gradients per token position, with the
 * scores they explain and how far they are from adding up (`completenessGap`; more `steps`
 * shrink it).
 */
export interface EmbeddingAttributionsResult {
  /** tokens[r][t]: the attribution of position t of row r, summed over the embedding's dimensions. */
  tokens: number[][];
  /** The explained score of each row. */
  scores: number[];
  /** The score with every position at the baseline id. */
  baselineScores: number[];
  /** Σ tokens[r] − (scores[r] − baselineScores[r]): the quadrature error (completeness). */
  completenessGap: number[];
  /** The output column explained per row. */
  targets: number[];
}

function findEmbeddingLayer(model: ModelWithLayers, chosen: EmbeddingAttributionsOptions['embeddingLayer'], where: string): LayerLike {
  const layers = Array.isArray(model.layers) ? model.layers : [];
  if (chosen !== undefined && typeof chosen === 'object' && chosen !== null) {
    if (!layers.includes(chosen)) throw invalidValue('embeddingLayer', where, 'a layer of the model', chosen.name);
    return chosen;
  }
  if (chosen !== undefined) {
    const found = layers.find((layer) => layer.name === chosen);
    if (!found) throw invalidValue('embeddingLayer', where, `the name of one of the model's layers (${layers.map((l) => `'${l.name}'`).join(', ')})`, chosen);
    return found;
  }
  const candidates = layers.filter((layer) => /Embedding$/.test(layer.className));
  if (candidates.length !== 1) {
    throw invalidValue(
      'embeddingLayer',
      where,
      candidates.length === 0 ? 'the embedding layer to attribute through (the model has no layer whose class ends in Embedding)' : `one of ${candidates.map((l) => `'${l.name}'`).join(', ')} (the model has several embeddings)`,
      chosen,
    );
  }
  return candidates[0]!;
}

/**
 * Integrated gradients for text (and any model that starts from ids): ids are not
 * differentiable, so the path runs through the embedding layer's output, from the embeddings of
 * `baselineId` (padding) at every position to the text's own, and each position's attribution
 * is summed over the embedding's dimensions. The attributions of a row add up to
 * score(text) − score(all padding), up to `completenessGap`.
 *
 * Works on a Sequential or functional `@loom-ml/layers` model (the embedding layer's output is
 * replaced by the path points during the call, then restored), or on a model given as
 * `{ embed, fromEmbeddings }`.
 *
 * Caveat: the all-padding baseline is what the model saw in front of short reviews, so a word's
 * attribution says how it moved the score away from an empty review; words the model never
 * learned (the unknown id) still get whatever their embedding carries.
 *
 * @example
 * const { tokens, completenessGap } = embeddingAttributions(model, ids, { steps: 32 });
 * // tokens[0][t]: how much word t of the first review pushed its score up (+) or down (−)
 */
export function embeddingAttributions(
  model: ModelWithLayers | SplitTextModel,
  inputs: tf.Tensor | readonly tf.Tensor[],
  options: EmbeddingAttributionsOptions = {},
): EmbeddingAttributionsResult {
  const where = 'embeddingAttributions';
  const settings = checkOptions(options, where);
  const { list, n } = inputList(inputs, where);
  const idsInput = settings.idsInput ?? 0;
  if (!(Number.isInteger(idsInput) && idsInput >= 0 && idsInput < list.length)) throw invalidValue('idsInput', where, `an input index from 0 to ${list.length - 1}`, idsInput);
  const ids = list[idsInput]!;
  const baselineId = settings.baselineId ?? 0;
  if (!(Number.isInteger(baselineId) && baselineId >= 0)) throw invalidValue('baselineId', where, 'a token id (an integer >= 0)', baselineId);
  if (settings.steps !== undefined) checkPositiveInteger(settings.steps, 'steps', where, 100_000);

  let embed: (x: tf.Tensor) => tf.Tensor;
  let fromEmbeddings: (embedded: tf.Tensor, rows: Int32Array) => tf.Tensor | tf.Tensor[];
  let restore = () => {};
  if (model !== null && typeof model === 'object' && typeof (model as SplitTextModel).embed === 'function' && typeof (model as SplitTextModel).fromEmbeddings === 'function') {
    if (list.length !== 1) throw invalidValue('inputs', where, 'one tensor of ids for an { embed, fromEmbeddings } model', `${list.length} tensors`);
    const split = model as SplitTextModel;
    embed = (x) => split.embed(x);
    fromEmbeddings = (embedded) => split.fromEmbeddings(embedded);
  } else if (model !== null && typeof model === 'object' && typeof (model as ModelWithLayers).apply === 'function' && Array.isArray((model as ModelWithLayers).layers)) {
    const layered = model as ModelWithLayers;
    const layer = findEmbeddingLayer(layered, settings.embeddingLayer, where);
    const original = layer.apply;
    embed = (x) => original.call(layer, x, { training: false });
    let replacement: tf.Tensor | null = null;
    let calls = 0;
    // An own property shadows the prototype's apply while the call runs; `restore` deletes it.
    const patched = (x: tf.Tensor | tf.Tensor[], callOptions?: object): tf.Tensor => {
      calls++;
      if (replacement === null) return original.call(layer, x, callOptions);
      if (calls > 1) throw new ExplainError(`${where}: layer '${layer.name}' is called more than once per model call (a shared embedding); give a model whose embedding is called once.`);
      return replacement;
    };
    Object.defineProperty(layer, 'apply', { value: patched, configurable: true, writable: true });
    restore = () => {
      delete (layer as { apply?: unknown }).apply;
    };
    fromEmbeddings = (embedded, rows) => {
      const index = tf.tensor1d(rows, 'int32');
      const modelInputs = list.map((x) => tf.gather(x, index));
      replacement = embedded;
      calls = 0;
      try {
        return layered.apply(list.length === 1 ? modelInputs[0]! : modelInputs, { training: false });
      } finally {
        replacement = null;
      }
    };
  } else {
    throw invalidValue('model', where, 'a layers model with an embedding layer, or { embed, fromEmbeddings }', model);
  }
  try {
    const [embedded, baseline] = tf.tidy(() => [tf.cast(embed(ids), 'float32'), tf.cast(embed(tf.fill(ids.shape, baselineId, ids.dtype === 'float32' ? 'float32' : 'int32')), 'float32')]);
    try {
      if (embedded!.shape[0] !== n || !embedded!.shape.every((d, k) => baseline!.shape[k] === d)) {
        throw new ExplainError(`${where}: the embedding returned shape [${embedded!.shape.join(', ')}] for ${n} rows; expected the rows first.`);
      }
      const run: Runner = (points, rows) => fromEmbeddings(points[0]!, rows);
      const result = integrate(run, [embedded!], n, { ...settings, baseline: baseline! }, where);
      const [attribution] = result.attributions;
      const per = attribution!.rowSize / (ids.shape.slice(1).reduce((a, b) => a * b, 1) || 1);
      const positions = attribution!.rowSize / per;
      const tokens = Array.from({ length: n }, (_, r) => {
        const row = attribution!.row(r);
        return Array.from({ length: positions }, (_, t) => {
          let sum = 0;
          for (let d = 0; d < per; d++) sum += row[t * per + d]!;
          return sum;
        });
      });
      return { tokens, scores: result.scores, baselineScores: result.baselineScores, completenessGap: result.completenessGap, targets: result.targets };
    } finally {
      tf.dispose([embedded!, baseline!]);
    }
  } finally {
    restore();
  }
}
