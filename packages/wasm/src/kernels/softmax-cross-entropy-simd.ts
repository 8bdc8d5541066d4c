/**
 * Softmax cross-entropy's row loops in a third small WebAssembly SIMD module of Loom's own (its
 * bytes written out with small-gemm.ts's instruction helpers and its Cephes `exp`; small-gemm.ts's
 * module is at the 4 KB that browsers compile synchronously, so this one is separate).
 *
 * Why: the kernel's JavaScript loops call `Math.exp` once per logit in the forward pass and again
 * in the gradient. For a language model's output (1,024 rows x 2,048 classes per step) that was
 * 17% of a 1-thread training step (apps/text-generation, 2026-12-04). Here exp runs 4 lanes at a
 * time, and with the helper worker (2+ threads) half of the rows run there.
 *
 * Two functions, over float32 rows of `columns` values (a multiple of 4):
 * - `rowMaxSumExp(z, stats, rows, columns)`: per row, its maximum m and Σ exp(z - m) (float32
 *   sums over 4 lanes), written as stats[2r], stats[2r + 1]; log-sum-exp is m + log(sum);
 * - `scaledExp(z, out, shifts, scales, rows, columns)`: out = scales[r] · exp(z - shifts[r]).
 * The module has its own memory: rows are copied in and results out, a block at a time.
 */
import {
  add, block, body, br, brIf, compileOrNull, end, eqz, expCode, expConstantsCode, EXP_CONSTANT_COUNT, f32LoadAt, f32Store, f32x4ExtractLane, f32x4Mul,
  f32x4Splat, f32x4Sub, f32x4Add, get, horizontalSum, I32, i32, instantiateOrNull, loop, name, rowLoop, rowMaxCode, section, set, shl, sub, uleb, V128,
  v128Load, v128Store, v128Zero, type ExpLocals,
} from './small-gemm.js';
import { runCrossEntropySplit } from './attention-helper.js';

// rowMaxSumExp's parameters: z, stats (byte offsets), rows, columns; then locals.
const [MS_Z, MS_STATS, MS_ROWS, MS_COLS] = [0, 1, 2, 3];
const [MS_ROWBYTES, MS_J, MS_ACC, MS_SUM] = [4, 5, 6, 7];
const MS_EXP: ExpLocals = { x: 8, r: 9, t: 10, constants: 11 };

function rowMaxSumExpBody(): number[] {
  const code: number[] = [];
  const at = [...get(MS_Z), ...get(MS_J), ...add];
  code.push(...expConstantsCode(MS_EXP.constants));
  code.push(...get(MS_COLS), ...i32(2), ...shl, ...set(MS_ROWBYTES));
  code.push(...block, ...loop, ...get(MS_ROWS), ...eqz, ...brIf(1));
  code.push(...rowMaxCode(MS_Z, MS_J, MS_ROWBYTES, MS_ACC));
  code.push(...get(MS_STATS), ...get(MS_ACC), ...f32x4ExtractLane(0), ...f32Store(0));
  code.push(...v128Zero, ...set(MS_SUM));
  code.push(...rowLoop(MS_J, MS_ROWBYTES, [...at, ...v128Load(0), ...get(MS_ACC), ...f32x4Sub, ...set(MS_EXP.x), ...get(MS_SUM), ...expCode(MS_EXP), ...f32x4Add, ...set(MS_SUM)]));
  code.push(...get(MS_STATS), ...horizontalSum(MS_SUM), ...f32Store(4));
  code.push(...get(MS_Z), ...get(MS_ROWBYTES), ...add, ...set(MS_Z), ...get(MS_STATS), ...i32(8), ...add, ...set(MS_STATS));
  code.push(...get(MS_ROWS), ...i32(1), ...sub, ...set(MS_ROWS), ...br(0), ...end, ...end);
  return body([[2, I32], [5 + EXP_CONSTANT_COUNT, V128]], code);
}

// scaledExp's parameters: z, out, shifts, scales (byte offsets), rows, columns; then locals.
const [SE_Z, SE_OUT, SE_SHIFTS, SE_SCALES, SE_ROWS, SE_COLS] = [0, 1, 2, 3, 4, 5];
const [SE_ROWBYTES, SE_J, SE_SHIFT, SE_SCALE] = [6, 7, 8, 9];
const SE_EXP: ExpLocals = { x: 10, r: 11, t: 12, constants: 13 };

function scaledExpBody(): number[] {
  const code: number[] = [];
  code.push(...expConstantsCode(SE_EXP.constants));
  code.push(...get(SE_COLS), ...i32(2), ...shl, ...set(SE_ROWBYTES));
  code.push(...block, ...loop, ...get(SE_ROWS), ...eqz, ...brIf(1));
  code.push(...get(SE_SHIFTS), ...f32LoadAt(0), ...f32x4Splat, ...set(SE_SHIFT), ...get(SE_SCALES), ...f32LoadAt(0), ...f32x4Splat, ...set(SE_SCALE));
  code.push(...rowLoop(SE_J, SE_ROWBYTES, [
    ...get(SE_OUT), ...get(SE_J), ...add,
    ...get(SE_Z), ...get(SE_J), ...add, ...v128Load(0), ...get(SE_SHIFT), ...f32x4Sub, ...set(SE_EXP.x),
    ...expCode(SE_EXP), ...get(SE_SCALE), ...f32x4Mul, ...v128Store(0),
  ]));
  code.push(...get(SE_Z), ...get(SE_ROWBYTES), ...add, ...set(SE_Z), ...get(SE_OUT), ...get(SE_ROWBYTES), ...add, ...set(SE_OUT));
  code.push(...get(SE_SHIFTS), ...i32(4), ...add, ...set(SE_SHIFTS), ...get(SE_SCALES), ...i32(4), ...add, ...set(SE_SCALES));
  code.push(...get(SE_ROWS), ...i32(1), ...sub, ...set(SE_ROWS), ...br(0), ...end, ...end);
  return body([[2, I32], [5 + EXP_CONSTANT_COUNT, V128]], code);
}

/** The module's bytes (exported for the test that checks they validate). */
export function crossEntropyModuleBytes(): Uint8Array {
  const maxSumType = [0x60, ...uleb(4), I32, I32, I32, I32, ...uleb(0)];
  const scaledType = [0x60, ...uleb(6), I32, I32, I32, I32, I32, I32, ...uleb(0)];
  const exports = [...name('memory'), 0x02, ...uleb(0), ...name('rowMaxSumExp'), 0x00, ...uleb(0), ...name('scaledExp'), 0x00, ...uleb(1)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(2), ...maxSumType, ...scaledType]),
    ...section(3, [...uleb(2), ...uleb(0), ...uleb(1)]),
    ...section(5, [...uleb(1), 0x00, ...uleb(1)]),
    ...section(7, [...uleb(3), ...exports]),
    ...section(10, [...uleb(2), ...rowMaxSumExpBody(), ...scaledExpBody()]),
  ]);
}

export interface CrossEntropyInstance {
  memory: WebAssembly.Memory;
  rowMaxSumExp: (z: number, stats: number, rows: number, columns: number) => void;
  scaledExp: (z: number, out: number, shifts: number, scales: number, rows: number, columns: number) => void;
}

let compiled: WebAssembly.Module | null | undefined;
let instance: CrossEntropyInstance | null | undefined;

/** The compiled module, or null when it does not compile here (also instantiated by attention-helper.ts's worker). */
export function crossEntropyModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileOrNull(crossEntropyModuleBytes());
  return compiled;
}

/**
 * Rows `from` to `to` of the softmax cross-entropy over views of one heap (offsets in floats).
 * `kind` 'crossEntropy' (offsets logits, labels, loss, logSumExp): each row's log-sum-exp and
 * loss; 'crossEntropyGrad' (offsets logits, labels, dy, logSumExp, dLogits): the gradient
 * dy · (softmax · Σ labels - labels). `sparse`: labels are class indices, already checked by the
 * caller. Rows go through the module's memory a block at a time. Each row is computed alone,
 * the same way in either thread, so results do not depend on the thread count. Written to
 * reference nothing outside itself: attention-helper.ts's worker gets it as source.
 */
export function crossEntropyRows(
  ex: CrossEntropyInstance,
  heap: Float32Array,
  job: { kind: 'crossEntropy' | 'crossEntropyGrad'; offsets: number[]; classes: number; sparse: boolean; from: number; to: number },
): void {
  const { kind, offsets, classes, sparse, from, to } = job;
  // About 256 KB of logits per block (at least one row): it stays in cache between the passes.
  const blockRows = Math.max(1, Math.min(to - from, Math.floor((1 << 16) / classes)));
  const forward = kind === 'crossEntropy';
  const bytes = 4 * (blockRows * classes * (forward ? 1 : 2) + 4 * blockRows + 4);
  const needed = Math.ceil(bytes / 65536) - ex.memory.buffer.byteLength / 65536;
  if (needed > 0) ex.memory.grow(needed);
  const buffer = ex.memory.buffer;
  const zs = new Float32Array(buffer, 0, blockRows * classes);
  let at = 4 * zs.length;
  const out = forward ? null : new Float32Array(buffer, at, blockRows * classes);
  if (out !== null) at += 4 * out.length;
  const stats = new Float32Array(buffer, at, 2 * blockRows); // forward: [max, sum] per row; gradient: shifts, then scales
  const [z, y] = offsets as [number, number];
  for (let first = from; first < to; first += blockRows) {
    const rows = Math.min(blockRows, to - first);
    zs.set(heap.subarray(z + first * classes, z + (first + rows) * classes));
    if (forward) {
      const [, , loss, lse] = offsets as [number, number, number, number];
      ex.rowMaxSumExp(zs.byteOffset, stats.byteOffset, rows, classes);
      for (let i = 0; i < rows; i++) {
        const r = first + i;
        const logSumExp = (stats[2 * i] as number) + Math.log(stats[2 * i + 1] as number);
        heap[lse + r] = logSumExp;
        const o = i * classes;
        let value = 0;
        if (sparse) value = logSumExp - (zs[o + (heap[y + r] as number)] as number);
        else {
          for (let c = 0; c < classes; c++) {
            const t = heap[y + r * classes + c] as number;
            if (t !== 0) value += t * (logSumExp - (zs[o + c] as number));
          }
        }
        heap[loss + r] = value;
      }
      continue;
    }
    const [, , dy, lse, dz] = offsets as [number, number, number, number, number];
    for (let i = 0; i < rows; i++) {
      const r = first + i;
      let total = 1;
      if (!sparse) {
        total = 0;
        for (let c = 0; c < classes; c++) total += heap[y + r * classes + c] as number;
      }
      stats[i] = heap[lse + r] as number;
      stats[blockRows + i] = (heap[dy + r] as number) * total;
    }
    ex.scaledExp(zs.byteOffset, (out as Float32Array).byteOffset, stats.byteOffset, stats.byteOffset + 4 * blockRows, rows, classes);
    const target = dz + first * classes;
    heap.set((out as Float32Array).subarray(0, rows * classes), target);
    for (let i = 0; i < rows; i++) {
      const r = first + i;
      const g = heap[dy + r] as number;
      if (sparse) {
        const at = target + i * classes + (heap[y + r] as number);
        heap[at] = (heap[at] as number) - g;
      } else {
        for (let c = 0; c < classes; c++) heap[target + i * classes + c] = (heap[target + i * classes + c] as number) - g * (heap[y + r * classes + c] as number);
      }
    }
  }
}

/**
 * The softmax cross-entropy rows (`views`: forward logits, labels, loss, logSumExp; gradient
 * logits, labels, dy, logSumExp, dLogits) in the SIMD module, half of them in the helper worker
 * when there is one. False, with nothing written, when `classes` is not a multiple of 4, the
 * views are not on one heap, or the module cannot run here (the caller keeps its loops).
 */
export function softmaxCrossEntropySimd(kind: 'crossEntropy' | 'crossEntropyGrad', views: Float32Array[], rows: number, classes: number, sparse: boolean): boolean {
  if (classes % 4 !== 0 || classes === 0 || rows === 0) return false;
  const first = views[0] as Float32Array;
  if (views.some((view) => view.buffer !== first.buffer)) return false;
  if (instance === undefined) instance = instantiateOrNull<CrossEntropyInstance>(crossEntropyModule());
  const own = instance;
  if (own === null) return false;
  const heap = new Float32Array(first.buffer);
  const job = { kind, offsets: views.map((view) => view.byteOffset / 4), classes, sparse };
  if (!runCrossEntropySplit(heap, job, rows, (from, to) => crossEntropyRows(own, heap, { ...job, from, to }))) crossEntropyRows(own, heap, { ...job, from: 0, to: rows });
  return true;
}
