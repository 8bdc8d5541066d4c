import { invalidValue } from './errors.js';

/** Indices and scores of the best entries, best first. */
export interface TopK {
  indices: Int32Array;
  scores: Float32Array;
}

/**
 * The `k` largest of `scores`, best first (ties: lower index first), skipping indices for which
 * `exclude` is set. A size-k min-heap keeps this O(n log k).
 *
 * @example
 * selectTopK(Float32Array.of(0.1, 0.9, 0.5), 2); // { indices: [1, 2], scores: [0.9, 0.5] }
 */
export function selectTopK(
  scores: ArrayLike<number>,
  k: number,
  exclude?: Uint8Array | ((index: number) => boolean),
): TopK {
  if (!Number.isInteger(k) || k < 0) throw invalidValue('k', 'selectTopK', 'a non-negative integer', k);
  // The heap never holds more than the scores, whatever k a caller (or a saved model) asks for.
  const capacity = Math.min(k, scores.length);
  const heapIndices = new Int32Array(capacity);
  const heapScores = new Float64Array(capacity);
  let size = 0;
  // "worse" = lower score, or equal score and higher index.
  const worse = (a: number, b: number): boolean =>
    heapScores[a]! < heapScores[b]! || (heapScores[a] === heapScores[b] && heapIndices[a]! > heapIndices[b]!);
  const swap = (a: number, b: number): void => {
    const i = heapIndices[a]!;
    heapIndices[a] = heapIndices[b]!;
    heapIndices[b] = i;
    const s = heapScores[a]!;
    heapScores[a] = heapScores[b]!;
    heapScores[b] = s;
  };
  const siftDown = (start: number): void => {
    let node = start;
    for (;;) {
      const left = 2 * node + 1;
      const right = left + 1;
      let smallest = node;
      if (left < size && worse(left, smallest)) smallest = left;
      if (right < size && worse(right, smallest)) smallest = right;
      if (smallest === node) return;
      swap(node, smallest);
      node = smallest;
    }
  };
  if (capacity > 0) {
    for (let index = 0; index < scores.length; index++) {
      if (exclude !== undefined && (typeof exclude === 'function' ? exclude(index) : exclude[index] === 1)) continue;
      const score = scores[index]!;
      if (Number.isNaN(score)) continue;
      if (size < capacity) {
        heapIndices[size] = index;
        heapScores[size] = score;
        let node = size++;
        while (node > 0) {
          const parent = (node - 1) >> 1;
          if (!worse(node, parent)) break;
          swap(node, parent);
          node = parent;
        }
      } else if (score > heapScores[0]!) {
        heapIndices[0] = index;
        heapScores[0] = score;
        siftDown(0);
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (a, b) => heapScores[b]! - heapScores[a]! || heapIndices[a]! - heapIndices[b]!,
  );
  return {
    indices: Int32Array.from(order, (i) => heapIndices[i]!),
    scores: Float32Array.from(order, (i) => heapScores[i]!),
  };
}

/** Similarity used by {@link TopKIndex}. */
export type IndexMetric = 'dot' | 'cosine';

/**
 * Brute-force top-K search over a set of vectors (e.g. item factors): exact, O(n·d) a query.
 *
 * @example
 * const index = new TopKIndex(itemFactors, 64, { metric: 'cosine' });
 * index.query(userVector, 10); // { indices, scores }
 */
export class TopKIndex {
  readonly count: number;
  private readonly vectors: Float32Array;

  constructor(
    vectors: Float32Array,
    readonly dimension: number,
    readonly options: { metric?: IndexMetric } = {},
  ) {
    if (!Number.isInteger(dimension) || dimension < 1 || vectors.length % dimension !== 0) {
      throw invalidValue('dimension', 'TopKIndex', `a positive integer dividing ${vectors.length}`, dimension);
    }
    const metric = options.metric ?? 'dot';
    if (metric !== 'dot' && metric !== 'cosine') throw invalidValue('metric', 'TopKIndex', "'dot' or 'cosine'", metric);
    this.count = vectors.length / dimension;
    this.vectors = metric === 'cosine' ? normaliseRows(vectors, dimension) : vectors;
  }

  /** How the index scores: `dot` (the default) or `cosine`. */
  get metric(): IndexMetric {
    return this.options.metric ?? 'dot';
  }

  /** Scores of every vector against `query`. */
  scores(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dimension) {
      throw invalidValue('query', 'TopKIndex.scores', `length ${this.dimension}`, query.length);
    }
    let q: ArrayLike<number> = query;
    if (this.metric === 'cosine') q = normaliseRows(Float32Array.from(query), this.dimension);
    const out = new Float32Array(this.count);
    const d = this.dimension;
    for (let row = 0; row < this.count; row++) {
      let sum = 0;
      const offset = row * d;
      for (let j = 0; j < d; j++) sum += this.vectors[offset + j]! * q[j]!;
      out[row] = sum;
    }
    return out;
  }

  /** The k best vectors for `query`, skipping excluded indices. */
  query(query: ArrayLike<number>, k: number, exclude?: Uint8Array | ((index: number) => boolean)): TopK {
    return selectTopK(this.scores(query), k, exclude);
  }
}

/** Rows scaled to unit L2 norm (zero rows stay zero). */
export function normaliseRows(vectors: Float32Array, dimension: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let offset = 0; offset < vectors.length; offset += dimension) {
    let norm = 0;
    for (let j = 0; j < dimension; j++) norm += vectors[offset + j]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dimension; j++) out[offset + j] = vectors[offset + j]! * scale;
  }
  return out;
}
