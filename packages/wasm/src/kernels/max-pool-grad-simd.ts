/**
 * MaxPoolGrad of the common 2x2 pool with stride 2 and no padding, four channels at a time in a
 * second small WebAssembly SIMD module of Loom's own (its bytes are written out here with
 * small-gemm.ts's instruction helpers; small-gemm.ts's module is at the 4 KB that browsers
 * compile synchronously, so this one is separate, about 250 bytes).
 *
 * Why: the JavaScript loop (max-pool-grad.ts) compares each window's four values with branches
 * the processor cannot predict on real activations, about 5 ns per input value: 6-7 ms per
 * step for a [128, 26, 26, 16] input, the CNN bench's largest. Here the comparisons are lane
 * masks (`f32x4.gt`, `v128.bitselect`) and every input position is written (the gradient or 0),
 * so there are no branches and no separate zero fill.
 *
 * Same result as the loop, bit for bit: each window's gradient goes to its first maximum in
 * row-major window order (strict `>`: ties and NaNs keep the earlier position); the other three
 * positions get +0; a row or column the windows do not cover (odd sizes) gets 0.
 */
import {
  add, block, body, br, brIf, compileOrNull, end, eqz, get, I32, i32, instantiateOrNull, loop, mul, name, section, set, shl, simd, sub, uleb, V128, v128AndNot,
  v128Load, v128Store,
} from './small-gemm.js';
import { runMaxPoolSplit } from './attention-helper.js';

const f32x4Gt = simd(0x44);
const v128And = simd(0x4e);
const v128Or = simd(0x50);
const v128Bitselect = simd(0x52);

// Parameters: x, dy, dx (byte offsets), pairs (row pairs: output rows), windows (output
// columns), vectors (channels / 4), rowBytes (bytes of one input row). Then locals.
const [X, DY, DX, PAIRS, WINDOWS, VECTORS, ROW_BYTES] = [0, 1, 2, 3, 4, 5, 6];
const [R, W, V, PX, PDX, PDY, PIXEL] = [7, 8, 9, 10, 11, 12, 13];
const [VA, VB, VC, VD, M1, M2, M3, BEST, G] = [14, 15, 16, 17, 18, 19, 20, 21, 22];

function maxPoolGradBody(): number[] {
  const code: number[] = [];
  // The four window positions relative to PX (or PDX): +0, +PIXEL, +ROW_BYTES, +ROW_BYTES+PIXEL.
  const at = (base: number, right: boolean, below: boolean) => [
    ...get(base), ...(right ? [...get(PIXEL), ...add] : []), ...(below ? [...get(ROW_BYTES), ...add] : []),
  ];
  code.push(...get(VECTORS), ...i32(4), ...shl, ...set(PIXEL), ...get(DY), ...set(PDY), ...get(PAIRS), ...set(R));
  code.push(...block, ...loop, ...get(R), ...eqz, ...brIf(1));
  code.push(...get(X), ...set(PX), ...get(DX), ...set(PDX), ...get(WINDOWS), ...set(W));
  code.push(...block, ...loop, ...get(W), ...eqz, ...brIf(1), ...get(VECTORS), ...set(V));
  code.push(...block, ...loop, ...get(V), ...eqz, ...brIf(1));
  code.push(...at(PX, false, false), ...v128Load(0), ...set(VA), ...at(PX, true, false), ...v128Load(0), ...set(VB));
  code.push(...at(PX, false, true), ...v128Load(0), ...set(VC), ...at(PX, true, true), ...v128Load(0), ...set(VD));
  code.push(...get(PDY), ...v128Load(0), ...set(G));
  // m1 = b > a, best = max so far (first wins on ties), m2 = c > best, m3 = d > best.
  code.push(...get(VB), ...get(VA), ...f32x4Gt, ...set(M1), ...get(VB), ...get(VA), ...get(M1), ...v128Bitselect, ...set(BEST));
  code.push(...get(VC), ...get(BEST), ...f32x4Gt, ...set(M2), ...get(VC), ...get(BEST), ...get(M2), ...v128Bitselect, ...set(BEST));
  code.push(...get(VD), ...get(BEST), ...f32x4Gt, ...set(M3));
  // The winner: d where m3; else c where m2; else b where m1; else a.
  code.push(...at(PDX, false, false), ...get(G), ...get(M1), ...get(M2), ...v128Or, ...get(M3), ...v128Or, ...v128AndNot, ...v128Store(0));
  code.push(...at(PDX, true, false), ...get(G), ...get(M1), ...v128And, ...get(M2), ...v128AndNot, ...get(M3), ...v128AndNot, ...v128Store(0));
  code.push(...at(PDX, false, true), ...get(G), ...get(M2), ...v128And, ...get(M3), ...v128AndNot, ...v128Store(0));
  code.push(...at(PDX, true, true), ...get(G), ...get(M3), ...v128And, ...v128Store(0));
  for (const p of [PX, PDX, PDY]) code.push(...get(p), ...i32(16), ...add, ...set(p));
  code.push(...get(V), ...i32(1), ...sub, ...set(V), ...br(0), ...end, ...end);
  // Past the window's second column.
  for (const p of [PX, PDX]) code.push(...get(p), ...get(PIXEL), ...add, ...set(p));
  code.push(...get(W), ...i32(1), ...sub, ...set(W), ...br(0), ...end, ...end);
  // The next pair of input rows.
  for (const p of [X, DX]) code.push(...get(p), ...get(ROW_BYTES), ...i32(2), ...mul, ...add, ...set(p));
  code.push(...get(R), ...i32(1), ...sub, ...set(R), ...br(0), ...end, ...end);
  return body([[7, I32], [9, V128]], code);
}

/** The module's bytes (exported for the test that checks they validate). */
export function maxPoolGradModuleBytes(): Uint8Array {
  const type = [0x60, ...uleb(7), I32, I32, I32, I32, I32, I32, I32, ...uleb(0)];
  const exports = [...name('memory'), 0x02, ...uleb(0), ...name('maxPoolGrad2x2'), 0x00, ...uleb(0)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(1), ...type]),
    ...section(3, [...uleb(1), ...uleb(0)]),
    ...section(5, [...uleb(1), 0x00, ...uleb(1)]),
    ...section(7, [...uleb(2), ...exports]),
    ...section(10, [...uleb(1), ...maxPoolGradBody()]),
  ]);
}

export interface MaxPoolGradInstance {
  memory: WebAssembly.Memory;
  maxPoolGrad2x2: (x: number, dy: number, dx: number, pairs: number, windows: number, vectors: number, rowBytes: number) => void;
}

// null: no WebAssembly SIMD here (the caller keeps its JavaScript loop).
let instance: MaxPoolGradInstance | null | undefined;
let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null when it does not compile here (also instantiated by attention-helper.ts's worker). */
export function maxPoolGradModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileOrNull(maxPoolGradModuleBytes());
  return compiled;
}

function newInstance(): MaxPoolGradInstance | null {
  return instantiateOrNull<MaxPoolGradInstance>(maxPoolGradModule());
}

/**
 * Batch entries `from` to `to` of maxPoolGrad2x2Simd over views of one heap (`offsets` of x, dy,
 * dx in floats): each entry's values copied into the module, its windows run, its dx copied out.
 * Entries are independent, so attention-helper.ts's worker runs half of them with this same
 * function (sent as source: it references nothing outside itself); results are bit-identical.
 */
export function maxPoolGradEntries(ex: MaxPoolGradInstance, heap: Float32Array, job: { offsets: number[]; from: number; to: number; inHeight: number; inWidth: number; channels: number }): void {
  const { offsets, from, to, inHeight, inWidth, channels } = job;
  const [x, dy, dx] = offsets as [number, number, number];
  const outHeight = Math.floor(inHeight / 2);
  const outWidth = Math.floor(inWidth / 2);
  const entry = inHeight * inWidth * channels;
  const dyEntry = outHeight * outWidth * channels;
  const count = to - from;
  const bytes = 4 * (2 * count * entry + count * dyEntry);
  const needed = Math.ceil(bytes / 65536) - ex.memory.buffer.byteLength / 65536;
  if (needed > 0) ex.memory.grow(needed);
  const buffer = ex.memory.buffer;
  const xs = new Float32Array(buffer, 0, count * entry);
  const dys = new Float32Array(buffer, 4 * count * entry, count * dyEntry);
  const dxs = new Float32Array(buffer, 4 * count * (entry + dyEntry), count * entry);
  xs.set(heap.subarray(x + from * entry, x + to * entry));
  dys.set(heap.subarray(dy + from * dyEntry, dy + to * dyEntry));
  if (inHeight % 2 !== 0 || inWidth % 2 !== 0) dxs.fill(0);
  const rowBytes = 4 * inWidth * channels;
  for (let b = 0; b < count; b++) {
    ex.maxPoolGrad2x2(xs.byteOffset + 4 * b * entry, dys.byteOffset + 4 * b * dyEntry, dxs.byteOffset + 4 * b * entry, outHeight, outWidth, channels / 4, rowBytes);
  }
  heap.set(dxs, dx + from * entry);
}

/**
 * dx for the disjoint 2x2 pool (stride 2, no padding) of NHWC `x` `[batch, inHeight, inWidth,
 * channels]` with output gradient `dy` `[batch, floor(inHeight / 2), floor(inWidth / 2),
 * channels]`, written into `dx` (x's size). `x` and `dy` are copied into the module's memory
 * and `dx` out of it. False (nothing written) when `channels` is not a multiple of 4 or the
 * module cannot run here.
 */
export function maxPoolGrad2x2Simd(x: Float32Array, dy: Float32Array, dx: Float32Array, batch: number, inHeight: number, inWidth: number, channels: number): boolean {
  if (channels % 4 !== 0 || channels === 0) return false;
  if (instance === undefined) instance = newInstance();
  const target = instance;
  if (target === null) return false;
  const entry = inHeight * inWidth * channels;
  const dyEntry = Math.floor(inHeight / 2) * Math.floor(inWidth / 2) * channels;
  if (x.length !== batch * entry || dx.length !== x.length || dy.length !== batch * dyEntry) return false;
  if (x.buffer === dy.buffer && x.buffer === dx.buffer) {
    // Views of one heap (the backend's): offsets into it, and half of the entries in the helper worker when there is one.
    const heap = new Float32Array(x.buffer);
    const job = { offsets: [x, dy, dx].map((view) => view.byteOffset / 4), inHeight, inWidth, channels };
    if (!runMaxPoolSplit(heap, job, batch)) maxPoolGradEntries(target, heap, { ...job, from: 0, to: batch });
    return true;
  }
  // Separate arrays (tests): through a scratch heap.
  const scratch = new Float32Array(2 * x.length + dy.length);
  scratch.set(x);
  scratch.set(dy, x.length);
  maxPoolGradEntries(target, scratch, { offsets: [0, x.length, x.length + dy.length], from: 0, to: batch, inHeight, inWidth, channels });
  dx.set(scratch.subarray(x.length + dy.length));
  return true;
}
