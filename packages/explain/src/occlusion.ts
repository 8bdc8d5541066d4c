import * as tf from '@tensorflow/tfjs-core';
import { AttributionArray } from './attributions.js';
import { checkPositiveInteger, invalidValue } from './errors.js';
import { checkOptions } from './gradient-methods.js';
import { checkBatchSize, inputList, resolveTargets, runnerOf, scorePoints, type ExplainableModel, type TargetOptions } from './model-scores.js';

/** Options of `occlusion`: the patch size, its stride, and the value that hides a patch. */
export interface OcclusionOptions extends TargetOptions {
  /** Patch height and width in pixels (one number for a square). Required. */
  patch: number | readonly [number, number];
  /** Step between patch positions. Default: the patch size (patches tile the image). */
  stride?: number | readonly [number, number];
  /** The value an occluded pixel takes (every channel). Default 0. */
  baseline?: number;
  /** Occluded images per model call. Default 128. */
  batchSize?: number;
}

/** One patch position and what hiding it did to the score. */
export interface OcclusionPatch {
  top: number;
  left: number;
  height: number;
  width: number;
  /** score(image) − score(image with this patch at the baseline value). */
  drop: number;
}

/** What `occlusion` returns: the score drop of every patch, and the same spread over pixels as a map. */
export interface OcclusionResult {
  /**
   * Per pixel [n, height, width]: each covering patch's drop spread evenly over its pixels,
   * averaged over the patches covering the pixel. When patches tile the image (stride = patch),
   * a row's pixels add up to the sum of its patches' drops.
   */
  attributions: AttributionArray;
  /** Every patch position of every row, row by row. */
  patches: OcclusionPatch[][];
  /** Each row's score on the unoccluded image. */
  scores: number[];
  /** The output column explained per row. */
  targets: number[];
}

function pair(value: unknown, name: string, where: string, limit: readonly [number, number]): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 2 ? value : [NaN, NaN];
  const fits = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
  if (!fits(a, limit[0]) || !fits(b, limit[1])) throw invalidValue(name, where, `a positive integer or [height, width], at most [${limit.join(', ')}]`, value);
  return [a as number, b as number];
}

function positions(size: number, patch: number, stride: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start + patch <= size; start += stride) starts.push(start);
  if (starts[starts.length - 1]! + patch < size) starts.push(size - patch);
  return starts;
}

/**
 * Occlusion (Zeiler & Fergus 2014) for images [n, height, width] or [n, height, width, channels]:
 * slides a patch over each image, sets it to `baseline` and records how much the score drops.
 * Needs only forward passes, so it explains any model, differentiable or not; all occluded
 * images of all rows are batched.
 *
 * Caveat: the map is as coarse as the patch, and hiding a patch is not removing it: the model
 * sees a grey or black square it never saw in training, which can move the score by itself.
 *
 * @example
 * const { attributions, patches } = occlusion(model, images, { patch: 4, stride: 2 });
 */
export function occlusion(model: ExplainableModel, images: tf.Tensor, options: OcclusionOptions): OcclusionResult {
  const where = 'occlusion';
  const settings = checkOptions(options, where);
  const { list, n } = inputList(images, where);
  const x = list[0]!;
  if (x.rank !== 3 && x.rank !== 4) throw invalidValue('images', where, 'a tensor [n, height, width] or [n, height, width, channels]', `shape [${x.shape.join(', ')}]`);
  const [, height, width] = x.shape as [number, number, number];
  const channels = x.rank === 4 ? x.shape[3]! : 1;
  const [patchHeight, patchWidth] = pair(settings.patch, 'patch', where, [height, width]);
  const [strideHeight, strideWidth] = settings.stride === undefined ? [patchHeight, patchWidth] : pair(settings.stride, 'stride', where, [height, width]);
  const fill = settings.baseline ?? 0;
  if (!(typeof fill === 'number' && Number.isFinite(fill))) throw invalidValue('baseline', where, 'a finite number', fill);
  const batchSize = checkBatchSize(settings.batchSize, where);
  const run = runnerOf(model, true, where);
  const { targets, scores } = resolveTargets(run, list, n, settings, batchSize, where);
  const spots = positions(height, patchHeight, strideHeight).flatMap((top) => positions(width, patchWidth, strideWidth).map((left) => ({ top, left })));
  const perRow = spots.length;
  const build = (start: number, end: number, rows: Int32Array) => {
    const keep = new Float32Array((end - start) * height * width * channels).fill(1);
    for (let p = start; p < end; p++) {
      const { top, left } = spots[p % perRow]!;
      const base = (p - start) * height * width * channels;
      for (let i = top; i < top + patchHeight; i++) keep.fill(0, base + (i * width + left) * channels, base + (i * width + left + patchWidth) * channels);
    }
    const mask = tf.tensor(keep, [end - start, ...x.shape.slice(1)]);
    const source = tf.gather(x, tf.tensor1d(rows, 'int32'));
    return [tf.add(tf.mul(source, mask), tf.mul(tf.sub(1, mask), fill))];
  };
  const occluded = scorePoints(run, n * perRow, (p) => Math.floor(p / perRow), build, targets, settings.output, batchSize, where);
  const pixelSum = new Float64Array(n * height * width);
  const cover = new Float64Array(height * width);
  for (const { top, left } of spots) for (let i = top; i < top + patchHeight; i++) for (let j = left; j < left + patchWidth; j++) cover[i * width + j]! += 1;
  const patches = Array.from({ length: n }, (_, r) =>
    spots.map(({ top, left }, q) => {
      const drop = scores[r]! - occluded[r * perRow + q]!;
      const share = drop / (patchHeight * patchWidth);
      for (let i = top; i < top + patchHeight; i++) for (let j = left; j < left + patchWidth; j++) pixelSum[r * height * width + i * width + j]! += share;
      return { top, left, height: patchHeight, width: patchWidth, drop };
    }),
  );
  const data = Float32Array.from(pixelSum, (v, k) => v / cover[k % (height * width)]!);
  return { attributions: new AttributionArray([n, height, width], data), patches, scores: Array.from(scores), targets: Array.from(targets) };
}

/** Options of `occludeTokens`: the id that masks a token, and the ids never masked. */
export interface TokenOcclusionOptions extends TargetOptions {
  /** The id that replaces a token. Default 0 (padding). */
  maskId?: number;
  /** Ids never masked nor attributed (their drop is 0). Default: `[maskId]`. */
  skipIds?: readonly number[];
  /** Masked texts per model call. Default 128. */
  batchSize?: number;
}

/** What `occludeTokens` returns: per row and position, how much masking that token lowered the score. */
export interface TokenOcclusionResult {
  /** tokens[r][t]: score − score with position t masked (0 for skipped ids). */
  tokens: number[][];
  /** Each row's score on the unmasked ids. */
  scores: number[];
  /** The output column explained per row. */
  targets: number[];
}

/**
 * Token masking for text models taking ids [n, length]: each position in turn is replaced by
 * `maskId` and the score drop is its attribution. A black-box method: forward passes only.
 *
 * Caveat: one token at a time misses interactions ("not good"), and a masked position is a
 * padding id in the middle of the text, which the model may treat as a signal of its own.
 *
 * @example
 * const { tokens } = occludeTokens(model, ids, { maskId: 0 });
 */
export function occludeTokens(model: ExplainableModel, ids: tf.Tensor, options: TokenOcclusionOptions = {}): TokenOcclusionResult {
  const where = 'occludeTokens';
  const settings = checkOptions(options, where);
  const { list, n } = inputList(ids, where);
  const x = list[0]!;
  if (x.rank !== 2) throw invalidValue('ids', where, 'a tensor of token ids [n, length]', `shape [${x.shape.join(', ')}]`);
  const maskId = settings.maskId ?? 0;
  if (!(Number.isInteger(maskId) && maskId >= 0)) throw invalidValue('maskId', where, 'a token id (an integer >= 0)', maskId);
  const skip = new Set(settings.skipIds ?? [maskId]);
  const batchSize = checkBatchSize(settings.batchSize, where);
  const length = x.shape[1]!;
  checkPositiveInteger(length, 'ids', where);
  const run = runnerOf(model, true, where);
  const { targets, scores } = resolveTargets(run, list, n, settings, batchSize, where);
  const values = x.dataSync();
  const points: { row: number; position: number }[] = [];
  for (let r = 0; r < n; r++) for (let t = 0; t < length; t++) if (!skip.has(values[r * length + t]!)) points.push({ row: r, position: t });
  const build = (start: number, end: number) => {
    const masked = new Int32Array((end - start) * length);
    for (let p = start; p < end; p++) {
      const { row, position } = points[p]!;
      masked.set(values.subarray(row * length, (row + 1) * length), (p - start) * length);
      masked[(p - start) * length + position] = maskId;
    }
    return [tf.tensor2d(masked, [end - start, length], 'int32')];
  };
  const maskedScores = scorePoints(run, points.length, (p) => points[p]!.row, build, targets, settings.output, batchSize, where);
  const tokens = Array.from({ length: n }, () => new Array<number>(length).fill(0));
  points.forEach(({ row, position }, p) => (tokens[row]![position] = scores[row]! - maskedScores[p]!));
  return { tokens, scores: Array.from(scores), targets: Array.from(targets) };
}
