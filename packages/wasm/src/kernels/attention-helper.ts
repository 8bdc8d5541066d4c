/**
 * A second thread for the fused attention (`LoomAttention` and its gradient) on loom-wasm with 2
 * or more threads: half of the heads run in a worker with its own instance of Loom's SIMD module
 * (small-gemm.ts), reading and writing the backend's shared heap directly, while the calling
 * thread runs the other half. XNNPACK's thread pool only runs XNNPACK's own operators, so
 * without this the attention (about half of a Transformer training step) ran on one core.
 *
 * Each head runs exactly the same code in either thread (`attentionHeads`, below, also what the
 * worker runs: it is sent as source), so results do not depend on the thread count. Only the
 * unmasked, non-causal case is split (the masked one keeps its single-threaded path). The same
 * worker computes half of the rows of large products (small-gemm.ts's `productRows`: weight gradients
 * `xᵀ·dy`, which BatchMatMul runs in the module), of the layer normalisation and of Adam's update
 * for large parameters, with a second instance of the module that imports the backend's heap
 * (no copies), also bit-identically.
 *
 * The calling thread waits for the worker synchronously (kernels are synchronous): Node's main
 * thread with `Atomics.wait`, a browser page's main thread (where that is not allowed) by
 * spinning on `Atomics.load`, as Emscripten's pthreads do. A worker that fails sets an error
 * flag instead of hanging the caller, and the kernel then runs those heads itself.
 */
import { importNodeBuiltin } from '../environment.js';
import { maxPoolGradEntries, maxPoolGradModule, type MaxPoolGradInstance } from './max-pool-grad-simd.js';
import { heapModule, productRows, smallGemmModule, type HeapKernels } from './small-gemm.js';
import { crossEntropyModule, crossEntropyRows } from './softmax-cross-entropy-simd.js';

/** The module's exports `attentionHeads` uses. */
interface HeadExports {
  memory: WebAssembly.Memory;
  gemm: (a: number, b: number, c: number, m: number, k: number, n: number, aRow: number, aStep: number, accumulate: number) => void;
  softmax: (s: number, rows: number, columns: number) => void;
  softmaxGrad: (p: number, d: number, rows: number, columns: number, scale: number) => void;
  layerNorm: (x: number, gamma: number, beta: number, y: number, stats: number, rows: number, features: number, epsilon: number) => void;
  layerNormGrad: (dy: number, x: number, gamma: number, stats: number, dx: number, dyXhat: number, rows: number, features: number) => void;
  adam: (g: number, m0: number, v0: number, p: number, u: number, m1: number, v1: number, pairs: number, withParam: number, ...constants: number[]) => void;
}

/**
 * Heads `from` to `to` of the forward pass (`kind` 'forward': offsets q, k, v, out, p) or the
 * gradient ('backward': p, dy, q, k, v, dq, dk, dv), offsets in floats into `heap`. Written to
 * reference nothing outside itself: the worker gets it as source. Same operations, in the same
 * order, as attention.ts's single-threaded forwardSimd / backwardSimd (unmasked).
 */
export function attentionHeads(
  ex: HeadExports,
  heap: Float32Array,
  job: { kind: 'forward' | 'backward'; offsets: number[]; from: number; to: number; queryTime: number; keyTime: number; keyDim: number; valueDim: number; scale: number },
): void {
  const { kind, offsets, from, to, queryTime, keyTime, keyDim, valueDim, scale } = job;
  const sizes =
    kind === 'forward'
      ? [queryTime * keyDim, keyDim * keyTime, keyTime * valueDim, queryTime * keyTime, queryTime * valueDim]
      : [queryTime * keyTime, queryTime * keyTime, queryTime * valueDim, valueDim * keyTime, keyTime * keyDim, queryTime * keyDim, queryTime * keyDim, keyTime * keyDim, keyTime * valueDim];
  const aligned = sizes.map((size) => Math.ceil(size / 4) * 4);
  const bytes = 4 * aligned.reduce((a, b) => a + b, 0);
  const needed = Math.ceil(bytes / 65536) - ex.memory.buffer.byteLength / 65536;
  if (needed > 0) ex.memory.grow(needed);
  let at = 0;
  const views = sizes.map((size, index) => {
    const view = new Float32Array(ex.memory.buffer, at, size);
    at += 4 * (aligned[index] as number);
    return view;
  });
  // small-gemm.ts's product(): long products in slices of k that stay in cache.
  const gemm = (a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aTransposed: boolean) => {
    const slice = 4 * k * (m + n) > 1 << 17 ? Math.max(16, Math.floor((1 << 17) / (4 * (m + n)))) : k;
    for (let p = 0; p < k; p += slice) {
      const depth = Math.min(slice, k - p);
      if (aTransposed) ex.gemm(a.byteOffset + 4 * p * m, b.byteOffset + 4 * p * n, c.byteOffset, m, depth, n, 1, m, p > 0 ? 1 : 0);
      else ex.gemm(a.byteOffset + 4 * p, b.byteOffset + 4 * p * n, c.byteOffset, m, depth, n, k, 1, p > 0 ? 1 : 0);
    }
  };
  const transposeInto = (target: Float32Array, source: number, rows: number, columns: number) => {
    for (let r = 0; r < rows; r++) {
      const o = source + r * columns;
      for (let j = 0; j < columns; j++) target[j * rows + r] = heap[o + j] as number;
    }
  };
  if (kind === 'forward') {
    const [qs, kt, v, s, o] = views as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    const [q, k, vs, out, p] = offsets as [number, number, number, number, number];
    for (let i = from; i < to; i++) {
      const qo = q + i * queryTime * keyDim;
      for (let j = 0; j < qs.length; j++) qs[j] = (heap[qo + j] as number) * scale;
      transposeInto(kt, k + i * keyTime * keyDim, keyTime, keyDim);
      v.set(heap.subarray(vs + i * keyTime * valueDim, vs + (i + 1) * keyTime * valueDim));
      gemm(qs, kt, s, queryTime, keyDim, keyTime, false);
      ex.softmax(s.byteOffset, queryTime, keyTime);
      heap.set(s, p + i * queryTime * keyTime);
      gemm(s, v, o, queryTime, keyTime, valueDim, false);
      heap.set(o, out + i * queryTime * valueDim);
    }
    return;
  }
  const [pw, ds, dyw, vt, kw, qw, dqw, dkw, dvw] = views as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const [p, dys, q, k, v, dq, dk, dv] = offsets as [number, number, number, number, number, number, number, number];
  const [pSize, dySize, qSize, kSize, vSize] = [queryTime * keyTime, queryTime * valueDim, queryTime * keyDim, keyTime * keyDim, keyTime * valueDim];
  for (let i = from; i < to; i++) {
    pw.set(heap.subarray(p + i * pSize, p + (i + 1) * pSize));
    dyw.set(heap.subarray(dys + i * dySize, dys + (i + 1) * dySize));
    transposeInto(vt, v + i * vSize, keyTime, valueDim);
    kw.set(heap.subarray(k + i * kSize, k + (i + 1) * kSize));
    qw.set(heap.subarray(q + i * qSize, q + (i + 1) * qSize));
    gemm(dyw, vt, ds, queryTime, valueDim, keyTime, false);
    gemm(pw, dyw, dvw, keyTime, queryTime, valueDim, true);
    ex.softmaxGrad(pw.byteOffset, ds.byteOffset, queryTime, keyTime, scale);
    gemm(ds, kw, dqw, queryTime, keyTime, keyDim, false);
    gemm(ds, qw, dkw, keyTime, queryTime, keyDim, true);
    heap.set(dqw, dq + i * qSize);
    heap.set(dkw, dk + i * kSize);
    heap.set(dvw, dv + i * vSize);
  }
}

/**
 * Segments `from` to `to` of an unsorted segment sum (an Embedding's gradient; `offsets`: x, the
 * int32 segment ids, out; in 4-byte units of the heap): every id is scanned in order and only
 * the range's segments are added to, so each segment's sum has the single-threaded order. Plain
 * JavaScript; written to reference nothing outside itself: the worker gets it as source.
 */
export function segmentSumRows(_ex: unknown, heap: Float32Array, job: { offsets: number[]; count: number; inner: number; from: number; to: number }): void {
  const { offsets, count, inner, from, to } = job;
  const [x, indices, out] = offsets as [number, number, number];
  const ids = new Int32Array(heap.buffer, heap.byteOffset + 4 * indices, count);
  heap.fill(0, out + from * inner, out + to * inner);
  for (let i = 0; i < count; i++) {
    const segment = ids[i] as number;
    if (!(segment >= from && segment < to)) continue;
    const source = x + i * inner;
    const target = out + segment * inner;
    for (let k = 0; k < inner; k++) heap[target + k] = (heap[target + k] as number) + (heap[source + k] as number);
  }
}

/**
 * Batch entries `from` to `to` of conv2d-backprop-filter.ts's transposed patches
 * (`patches[(kh, kw, ci), (b, oh, ow)]`: the input value each output position saw, 0 over
 * padding), `offsets` of x and patches in floats. Entries are independent, so two threads write
 * the same values. Plain JavaScript; written to reference nothing outside itself: the worker
 * gets it as source.
 */
export function filterPatches(
  _ex: unknown,
  heap: Float32Array,
  job: { offsets: number[]; from: number; to: number; kernelHeight: number; kernelWidth: number; inChannels: number; inHeight: number; inWidth: number; outHeight: number; outWidth: number; strideHeight: number; strideWidth: number; top: number; left: number; rows: number },
): void {
  const { offsets, from, to: end, kernelHeight, kernelWidth, inChannels, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, top, left, rows } = job;
  const [x, patches] = offsets as [number, number];
  for (let kh = 0; kh < kernelHeight; kh++) {
    for (let kw = 0; kw < kernelWidth; kw++) {
      for (let ci = 0; ci < inChannels; ci++) {
        let to = patches + ((kh * kernelWidth + kw) * inChannels + ci) * rows + from * outHeight * outWidth;
        for (let b = from; b < end; b++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight + kh - top;
            if (ih < 0 || ih >= inHeight) {
              heap.fill(0, to, to + outWidth);
              to += outWidth;
              continue;
            }
            const rowBase = x + (b * inHeight + ih) * inWidth * inChannels;
            for (let ow = 0; ow < outWidth; ow++, to++) {
              const iw = ow * strideWidth + kw - left;
              heap[to] = iw < 0 || iw >= inWidth ? 0 : (heap[rowBase + iw * inChannels + ci] as number);
            }
          }
        }
      }
    }
  }
}

/**
 * Batch entries `from` to `to` of conv2d-backprop-filter.ts's patches, one row per output
 * position (`patches[(b, oh, ow), (kh, kw, ci)]`: the input values its window saw, 0 over
 * padding; `offsets` of x and patches in floats). Each row is kh runs of kw · ci values that lie
 * side by side in x, copied in order. Entries are independent, so two threads write the same
 * values. Plain JavaScript; written to reference nothing outside itself: the worker gets it as
 * source.
 */
export function filterPatchRows(
  _ex: unknown,
  heap: Float32Array,
  job: { offsets: number[]; from: number; to: number; kernelHeight: number; kernelWidth: number; inChannels: number; inHeight: number; inWidth: number; outHeight: number; outWidth: number; strideHeight: number; strideWidth: number; top: number; left: number },
): void {
  const { offsets, from, to: end, kernelHeight, kernelWidth, inChannels, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, top, left } = job;
  const [x, patches] = offsets as [number, number];
  const run = kernelWidth * inChannels;
  let to = patches + from * outHeight * outWidth * kernelHeight * run;
  for (let b = from; b < end; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const firstColumn = ow * strideWidth - left;
        const inside = firstColumn >= 0 && firstColumn + kernelWidth <= inWidth;
        for (let kh = 0; kh < kernelHeight; kh++, to += run) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) {
            for (let j = 0; j < run; j++) heap[to + j] = 0;
            continue;
          }
          const rowBase = x + (b * inHeight + ih) * inWidth * inChannels;
          if (inside) {
            const source = rowBase + firstColumn * inChannels;
            // A call costs ~30 ns, a value copied in a JavaScript loop ~1 ns: copyWithin (a
            // memmove) for long runs (2.2M values of apps/mnist's second layer, runs of 48: 1.45
            // ms against 2.9), the loop for short ones (a first layer on grey images: runs of 3).
            if (run >= 16) heap.copyWithin(to, source, source + run);
            else for (let j = 0; j < run; j++) heap[to + j] = heap[source + j] as number;
            continue;
          }
          for (let kw = 0; kw < kernelWidth; kw++) {
            const iw = firstColumn + kw;
            const target = to + kw * inChannels;
            const source = rowBase + iw * inChannels;
            const outside = iw < 0 || iw >= inWidth;
            for (let c = 0; c < inChannels; c++) heap[target + c] = outside ? 0 : (heap[source + c] as number);
          }
        }
      }
    }
  }
}

/**
 * Rows `from` to `to` of the layer normalisation (offsets x, gamma, beta, y, stats) or, with
 * `gradient`, of its gradient's per-row part (dy, x, gamma, stats, dx, dyXhat),
 * in place on the backend's heap (`offsets` in bytes). Each row is computed alone, the same way
 * in either thread: bit-identical. Written to reference nothing outside itself: the worker gets
 * it as source.
 */
export function heapLayerNormRows(ex: HeadExports, job: { gradient: boolean; offsets: number[]; features: number; epsilon: number; from: number; to: number }): void {
  const { gradient, offsets, features, epsilon, from, to } = job;
  const rowsAt = (offset: number) => offset + 4 * from * features;
  const statsAt = (offset: number) => offset + 8 * from;
  if (!gradient) {
    const [x, gamma, beta, y, stats] = offsets as [number, number, number, number, number];
    ex.layerNorm(rowsAt(x), gamma, beta, rowsAt(y), statsAt(stats), to - from, features, epsilon);
    return;
  }
  const [dy, x, gamma, stats, dx, dyXhat] = offsets as [number, number, number, number, number, number];
  ex.layerNormGrad(rowsAt(dy), rowsAt(x), gamma, statsAt(stats), rowsAt(dx), rowsAt(dyXhat), to - from, features);
}

/**
 * Adam's pairs `from` to `to` in place on the backend's heap (`offsets` of g, m0, v0, p, u, m1,
 * v1 in bytes; p -1 without weight decay). Pairs are independent: bit-identical in either
 * thread. Written to reference nothing outside itself: the worker gets it as source.
 */
export function heapAdamPairs(ex: HeadExports, job: { offsets: number[]; constants: number[]; from: number; to: number }): void {
  const { offsets, constants, from, to } = job;
  const at = (offset: number) => (offset < 0 ? 0 : offset + 8 * from);
  const [g, m0, v0, p, u, m1, v1] = offsets.map(at) as [number, number, number, number, number, number, number];
  ex.adam(g, m0, v0, p, u, m1, v1, to - from, (offsets[3] as number) < 0 ? 0 : 1, ...constants);
}

/** The worker's source: attentionHeads, and a message loop that runs jobs and sets the done flag (1) or the error flag (2). */
function workerSource(): string {
  return `"use strict";
const attentionHeads = ${attentionHeads.toString()};
const maxPoolGradEntries = ${maxPoolGradEntries.toString()};
const segmentSumRows = ${segmentSumRows.toString()};
const filterPatches = ${filterPatches.toString()};
const filterPatchRows = ${filterPatchRows.toString()};
const crossEntropyRows = ${crossEntropyRows.toString()};
const productRows = ${productRows.toString()};
const heapAdamPairs = ${heapAdamPairs.toString()};
const heapLayerNormRows = ${heapLayerNormRows.toString()};
let ex = null;
let hx = null;
let pool = null;
let ce = null;
let flag = null;
const handle = (message) => {
  if (message.module !== undefined) {
    flag = new Int32Array(message.flag);
    try {
      ex = new WebAssembly.Instance(message.module, {}).exports;
      if (message.poolModule !== null) pool = new WebAssembly.Instance(message.poolModule, {}).exports;
      if (message.crossEntropyModule !== null) ce = new WebAssembly.Instance(message.crossEntropyModule, {}).exports;
      Atomics.store(flag, 0, 1);
    } catch { Atomics.store(flag, 0, 2); }
    Atomics.notify(flag, 0);
    return;
  }
  if (message.heapMemory !== undefined) {
    // The backend's heap, for the module instance that works on it in place (heap* jobs).
    try { hx = new WebAssembly.Instance(message.heapModule, { env: { memory: message.heapMemory } }).exports; } catch { hx = null; }
    return;
  }
  try {
    const kind = message.job.kind;
    const heap = new Float32Array(message.buffer);
    if (kind === 'maxPoolGrad') maxPoolGradEntries(pool, heap, message.job);
    else if (kind === 'segmentSum') segmentSumRows(null, heap, message.job);
    else if (kind === 'patches') filterPatches(null, heap, message.job);
    else if (kind === 'patchRows') filterPatchRows(null, heap, message.job);
    else if (kind === 'crossEntropy' || kind === 'crossEntropyGrad') crossEntropyRows(ce, heap, message.job);
    else if (kind === 'heapProduct') productRows(hx, ...message.job.offsets, message.job.m, message.job.k, message.job.n, message.job.aTransposed, message.job.from, message.job.to);
    else if (kind === 'heapAdam') heapAdamPairs(hx, message.job);
    else if (kind === 'heapLayerNorm') heapLayerNormRows(hx, message.job);
    else attentionHeads(ex, heap, message.job);
    Atomics.store(flag, 0, 1);
  } catch { Atomics.store(flag, 0, 2); }
  Atomics.notify(flag, 0);
};
if (typeof require === 'function') require('node:worker_threads').parentPort.on('message', handle);
else self.onmessage = (event) => handle(event.data);
`;
}

interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref?(): void;
}

interface Helper {
  worker: WorkerLike;
  flag: Int32Array;
  /** Atomics.wait is allowed on this thread (Node; not a browser page's main thread). */
  canBlock: boolean;
  /** The worker has the max-pool gradient module too. */
  pool: boolean;
  /** The worker has the softmax cross-entropy module too. */
  crossEntropy: boolean;
  /** The backend heap the worker's in-place instance works on (null: none yet). */
  heapMemory: WebAssembly.Memory | null;
}

let helper: Helper | null = null;
// The instance the calling thread runs its half of the heads in.
let ownInstance: HeadExports | null | undefined;

/** Blocks until the worker's flag leaves 0; true when it finished without error. */
function waitFor(h: Helper): boolean {
  if (h.canBlock) {
    while (Atomics.load(h.flag, 0) === 0) Atomics.wait(h.flag, 0, 0, 1000);
  } else {
    while (Atomics.load(h.flag, 0) === 0) {
      // spin: a page's main thread may not block
    }
  }
  return Atomics.load(h.flag, 0) === 1;
}

/**
 * Starts the helper worker (once per backend, with 2 or more threads and shared memory). Resolves
 * false, with no worker left running, when it cannot start (no SharedArrayBuffer, no SIMD, a
 * page whose policy refuses blob workers).
 */
export async function startAttentionHelper(isNode: boolean): Promise<boolean> {
  if (helper !== null) return true;
  const module = smallGemmModule();
  if (module === null || typeof SharedArrayBuffer !== 'function') return false;
  let worker: WorkerLike;
  try {
    if (isNode) {
      const threads = (await importNodeBuiltin('node:worker_threads')) as typeof import('node:worker_threads');
      worker = new threads.Worker(workerSource(), { eval: true }) as unknown as WorkerLike;
    } else {
      const url = URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
      worker = new Worker(url) as unknown as WorkerLike;
    }
  } catch {
    return false;
  }
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const poolModule = maxPoolGradModule();
  const ceModule = crossEntropyModule();
  worker.postMessage({ module, poolModule, crossEntropyModule: ceModule, flag: flag.buffer });
  // Started asynchronously: wait (without blocking) for its module to be ready.
  const started = Date.now();
  while (Atomics.load(flag, 0) === 0 && Date.now() - started < 3000) await new Promise((resolve) => setTimeout(resolve, 1));
  if (Atomics.load(flag, 0) !== 1) {
    void worker.terminate();
    return false;
  }
  worker.unref?.(); // it only serves synchronous kernel calls: never hold Node's event loop open
  helper = { worker, flag, canBlock: isNode, pool: poolModule !== null, crossEntropy: ceModule !== null, heapMemory: null };
  return true;
}

/** Stops the helper worker (backend disposal). */
export function stopAttentionHelper(): void {
  if (helper === null) return;
  void helper.worker.terminate();
  helper = null;
}

/**
 * Runs `job`'s heads split between the helper worker (the second half) and this thread (the
 * first), over `heap` (the backend's shared heap). False, with nothing written, when there is no
 * helper or the heap is not shared; the caller then runs its single-threaded path.
 */
export function runAttentionSplit(heap: Float32Array, job: Omit<Parameters<typeof attentionHeads>[2], 'from' | 'to'> & { heads: number }): boolean {
  const { heads, ...rest } = job;
  if (heads < 2) return false;
  const half = Math.floor(heads / 2);
  return runSplit(heap, rest, half, heads, (own, from, to) => attentionHeads(own, heap, { ...rest, from, to }));
}

/**
 * An unsorted segment sum of float32 rows over views of the shared heap, half of the segments
 * in the helper worker. False, with nothing written, when there is no helper, the views are not
 * on one shared heap, or the work is too small for a message. (Gathers are not split: a copy of
 * rows gained nothing from a second thread, 25,600 x 32 and 128 x 784 alike.)
 */
export function runSegmentSumSplit(x: Float32Array, indices: Int32Array, out: Float32Array, inner: number, segments: number): boolean {
  if (helper === null || indices.length * inner < 1 << 16 || segments < 2 || x.buffer !== out.buffer || indices.buffer !== x.buffer) return false;
  const heap = new Float32Array(x.buffer);
  const job = { kind: 'segmentSum', offsets: [x.byteOffset / 4, indices.byteOffset / 4, out.byteOffset / 4], count: indices.length, inner };
  return runSplit(heap, job, Math.floor(segments / 2), segments, (_own, from, to) => segmentSumRows(null, heap, { ...job, from, to }));
}

/**
 * conv2d-backprop-filter.ts's patches, transposed (`rows` set: `filterPatches`) or one row per
 * position (`filterPatchRows`), over views of the shared heap, half of the batch entries in the
 * helper worker when there is one (and the work is worth a message), otherwise all here.
 */
export function buildFilterPatches(x: Float32Array, patches: Float32Array, geometry: Omit<Parameters<typeof filterPatchRows>[2], 'offsets' | 'from' | 'to'> & { rows?: number }, batch: number): void {
  const heap = new Float32Array(x.buffer);
  const job = { ...geometry, offsets: [x.byteOffset / 4, patches.byteOffset / 4] };
  const build = (from: number, to: number) => (job.rows === undefined ? filterPatchRows(null, heap, { ...job, from, to }) : filterPatches(null, heap, { ...job, rows: job.rows, from, to }));
  if (patches.buffer === x.buffer && batch >= 2 && patches.length >= 1 << 16) {
    const half = Math.floor(batch / 2);
    if (runSplit(heap, { ...job, kind: job.rows === undefined ? 'patchRows' : 'patches' }, half, batch, (_own, from, to) => build(from, to))) return;
  }
  build(0, batch);
}

/** Gives the worker an instance over `memory` (once per memory); false when there is no helper, the memory is not shared or the module does not compile. */
function bindHeap(memory: WebAssembly.Memory): boolean {
  const h = helper;
  if (h === null || typeof SharedArrayBuffer !== 'function' || !(memory.buffer instanceof SharedArrayBuffer)) return false;
  if (h.heapMemory === memory) return true;
  const module = heapModule(true);
  if (module === null) return false;
  // Handled before any later job (messages run in order); if it fails there, that job fails
  // and the calling thread runs its part.
  h.worker.postMessage({ heapMemory: memory, heapModule: module });
  h.heapMemory = memory;
  return true;
}

// From this many multiply-adds a product is worth handing half to the helper worker: waking it
// just after an XNNPACK operator costs 0.1-0.3 ms (in place on the heap, 2 cores, 2026-12-04:
// xᵀ·dy 128 x 784 x 128 0.68 ms split vs 0.65 alone; 25,600 x 32 x 32 1.61 vs 1.48;
// 25,600 x 32 x 128 4.3 vs 6.3).
const MIN_WORK_FOR_HELPER = 1 << 26;

/**
 * `c = aᵀ · b` (`a` a heap view of `[k, m]`, when `aTransposed`) or `c = a · b`, `b` `[k, n]`,
 * `c` `[m, n]` (`n` a multiple of 4), in place on the backend's heap: large products with half of
 * the rows of C in the helper worker (bit-identical), the rest on this thread.
 */
export function heapProduct(kernels: HeapKernels, a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aTransposed: boolean): void {
  if (!heapProductSplits(m, k, n) || !runHeapProductSplit(kernels, a, b, c, m, k, n, aTransposed)) kernels.gemm(a, b, c, m, k, n, aTransposed);
}

/** Whether `heapProduct` would run half of an `m x k x n` product in the helper worker. */
export function heapProductSplits(m: number, k: number, n: number): boolean {
  return helper !== null && m >= 2 && m * k * n >= MIN_WORK_FOR_HELPER;
}

/** `heapProduct`'s split: false, with nothing written, when there is no helper. */
function runHeapProductSplit(kernels: HeapKernels, a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aTransposed: boolean): boolean {
  if (n % 4 !== 0 || !bindHeap(kernels.memory)) return false;
  const job = { offsets: [a.byteOffset, b.byteOffset, c.byteOffset], m, k, n, aTransposed };
  const heap = new Float32Array(kernels.memory.buffer, 0, 0);
  return runSplit(heap, { ...job, kind: 'heapProduct' }, Math.floor(m / 2), m, (_own, from, to) => productRows(kernels.exports, a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, aTransposed, from, to));
}

/**
 * Adam's first `pairs` pairs (views of the backend's shared heap: g, m0, v0, p or null, u, m1,
 * v1) in place, the second half in the helper worker. False, with nothing written, when there is
 * no helper.
 */
export function runHeapAdamSplit(kernels: HeapKernels, views: Array<Float32Array | null>, pairs: number, constants: number[]): boolean {
  if (pairs < 2 || !bindHeap(kernels.memory)) return false;
  const job = { offsets: views.map((view) => (view === null ? -1 : view.byteOffset)), constants };
  const heap = new Float32Array(kernels.memory.buffer, 0, 0);
  return runSplit(heap, { ...job, kind: 'heapAdam' }, Math.floor(pairs / 2), pairs, (_own, from, to) => heapAdamPairs(kernels.exports, { ...job, from, to }));
}

/**
 * The layer normalisation's rows (forward, or the gradient's per-row part; views of the backend's
 * shared heap in `heapLayerNormRows`' order) in place, the second half in the helper worker.
 * False, with nothing written, when there is no helper or too few rows for a message.
 */
export function runHeapLayerNormSplit(kernels: HeapKernels, gradient: boolean, views: Float32Array[], rows: number, features: number, epsilon: number): boolean {
  if (rows < 64 || !bindHeap(kernels.memory)) return false;
  const job = { gradient, offsets: views.map((view) => view.byteOffset), features, epsilon };
  const heap = new Float32Array(kernels.memory.buffer, 0, 0);
  return runSplit(heap, { ...job, kind: 'heapLayerNorm' }, Math.floor(rows / 2), rows, (_own, from, to) => heapLayerNormRows(kernels.exports, { ...job, from, to }));
}

let ownPool: MaxPoolGradInstance | null | undefined;

/**
 * The 2x2 max-pool gradient's batch entries (max-pool-grad-simd.ts), half of them in the helper
 * worker. False, with nothing written, when there is no helper (or it lacks the module) or the
 * heap is not shared.
 */
export function runMaxPoolSplit(heap: Float32Array, job: { offsets: number[]; inHeight: number; inWidth: number; channels: number }, batch: number): boolean {
  if (helper === null || !helper.pool || batch < 2) return false;
  if (ownPool === undefined) {
    const module = maxPoolGradModule();
    ownPool = module === null ? null : (new WebAssembly.Instance(module, {}).exports as unknown as MaxPoolGradInstance);
  }
  const pool = ownPool;
  if (pool === null) return false;
  const half = Math.floor(batch / 2);
  return runSplit(heap, { ...job, kind: 'maxPoolGrad' }, half, batch, (_own, from, to) => maxPoolGradEntries(pool, heap, { ...job, from, to }));
}

/**
 * Softmax cross-entropy rows (softmax-cross-entropy-simd.ts), the second half of them in the
 * helper worker, the first here with `ownRows`. False, with nothing written, when there is no
 * helper (or it lacks the module), the heap is not shared, or the work is too small for a message.
 */
export function runCrossEntropySplit(
  heap: Float32Array,
  job: { kind: 'crossEntropy' | 'crossEntropyGrad'; offsets: number[]; classes: number; sparse: boolean },
  rows: number,
  ownRows: (from: number, to: number) => void,
): boolean {
  if (helper === null || !helper.crossEntropy || rows < 2 || rows * job.classes < 1 << 15) return false;
  return runSplit(heap, job, Math.floor(rows / 2), rows, (_own, from, to) => ownRows(from, to));
}

/**
 * Splits the range [0, total) at `half`: posts `workerJob` with [half, total) to the helper, runs
 * `range` on [0, half) here, waits; runs [half, total) here too if the worker failed.
 */
function runSplit(heap: Float32Array, workerJob: object, half: number, total: number, range: (own: HeadExports, from: number, to: number) => void): boolean {
  const h = helper;
  if (h === null || !(heap.buffer instanceof SharedArrayBuffer)) return false;
  if (ownInstance === undefined) {
    const module = smallGemmModule();
    ownInstance = module === null ? null : (new WebAssembly.Instance(module, {}).exports as unknown as HeadExports);
  }
  const own = ownInstance;
  if (own === null) return false;
  Atomics.store(h.flag, 0, 0);
  h.worker.postMessage({ buffer: heap.buffer, job: { ...workerJob, from: half, to: total } });
  range(own, 0, half);
  // A failed worker (flag 2): its part runs here instead.
  if (waitFor(h)) workerJobs += 1;
  else range(own, half, total);
  return true;
}

let workerJobs = 0;

/** How many jobs the helper worker has completed (for tests: the split really ran there). */
export function attentionHelperJobs(): number {
  return workerJobs;
}
