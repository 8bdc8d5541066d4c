/**
 * A single-threaded WebAssembly SIMD matrix product for the recurrent kernels' per-step
 * products (`h · U`, `dRec · Uᵀ`: 128 x 32 x 128 for the benchmark LSTM), 400 of them per
 * training step.
 *
 * Why not XNNPACK: its products run on the backend's thread pool, and a product this small is
 * dominated by waking the pool's threads and waiting for them. On 2 cores shared with other
 * work a 2-thread XNNPACK product of 128 x 32 x 128 measured 0.6-1.7 ms (load 10-14), against
 * 0.07-0.12 ms on 1 thread; a JavaScript loop takes 1.2 ms.
 *
 * The module is written out here as bytes (no compiler, no binary file): one exported function
 * `gemm(a, b, c, m, k, n)` computing `C[m, n] = A[m, k] · B[k, n]` over float32 row-major
 * matrices at byte offsets of its own memory, `n` a multiple of 4. Each row of C is built 16
 * columns at a time in four f32x4 accumulators (then 4 at a time), summing over k in order, so
 * the result does not depend on the machine. Operands are copied in and out by the caller
 * (the module has its own memory: the backend's may be shared and is not exposed).
 */

export const I32 = 0x7f;
const F32 = 0x7d;
export const V128 = 0x7b;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

// Instructions.
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32 = (v: number) => [0x41, ...sleb(v)];
export const add = [0x6a];
export const sub = [0x6b];
export const mul = [0x6c];
export const shl = [0x74];
const geU = [0x4f];
const gtU = [0x4b];
export const eqz = [0x45];
export const block = [0x02, 0x40];
const ifV128 = [0x04, V128];
const elseOp = [0x05];
export const loop = [0x03, 0x40];
export const end = [0x0b];
export const br = (depth: number) => [0x0c, ...uleb(depth)];
export const brIf = (depth: number) => [0x0d, ...uleb(depth)];
const f32Load = [0x2a, 2, 0];
const f32Add = [0x92];
const f32Max = [0x97];
const f32Div = [0x95];
const f32Const = (value: number) => [0x43, ...new Uint8Array(Float32Array.from([value]).buffer)];
export const simd = (op: number, ...rest: number[]) => [0xfd, ...uleb(op), ...rest];
export const v128Load = (offset: number) => simd(0x00, 0, ...uleb(offset));
export const v128Store = (offset: number) => simd(0x0b, 0, ...uleb(offset));
const v128Const = (lanes: number[]) => simd(0x0c, ...new Uint8Array(Float32Array.from(lanes).buffer));
export const v128Zero = v128Const([0, 0, 0, 0]);
const f32x4Const = (value: number) => v128Const([value, value, value, value]);
export const f32x4Splat = simd(0x13);
export const f32x4ExtractLane = (lane: number) => simd(0x1f, lane);
const f32x4Lt = simd(0x43);
export const v128AndNot = simd(0x4f);
const i32x4Shl = simd(0xab);
const i32x4Add = simd(0xae);
export const f32x4Add = simd(0xe4);
export const f32x4Sub = simd(0xe5);
export const f32x4Mul = simd(0xe6);
const i32x4Const = (value: number) => simd(0x0c, ...new Uint8Array(Int32Array.from([value, value, value, value]).buffer));

/** A function body: its locals (runs of [count, type]) and code. */
export function body(locals: Array<[number, number]>, code: number[]): number[] {
  const bytes = [...uleb(locals.length), ...locals.flatMap(([count, type]) => [...uleb(count), type]), ...code, ...end];
  return [...uleb(bytes.length), ...bytes];
}

// gemm's parameters: a, b, c (byte offsets), m, k, n, aRow, aStep (A[i, p] is at
// a + 4 * (i * aRow + p * aStep): aRow = k, aStep = 1 for A row-major, aRow = 1, aStep = m for
// A stored transposed), accumulate (non-zero: C += A · B). Then its locals.
const [A, B, C, M, K, N, AROW_STRIDE, ASTEP, ACCUMULATE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [ROW, COL, NB, ARS, AKS, AROW, CROW, PB, P, CP] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
const PA = [19, 20, 21, 22];
const ACC = [23, 24, 25, 26, 27, 28, 29, 30];
const AV = [31, 32, 33, 34];
const BV = [35, 36, 37, 38];
// Rows of C per block: 2 rows x 16 columns (8 accumulators, 4 vectors of b, 2 of a) measured
// 5-30% faster than 4 x 8 on attention's and the weight gradients' shapes (1 thread, load 3.5).
const ROWS = 2;

/** The inner product over k for `rows` rows of C (from ROW) and `vectors` 4-column vectors (from byte column COL). */
function columnBlock(rows: number, vectors: number): number[] {
  const acc = (r: number, v: number) => ACC[r * vectors + v] as number;
  const code: number[] = [];
  code.push(...get(CROW), ...get(COL), ...add, ...set(CP));
  const cAt = (r: number) => [...get(CP), ...(r === 0 ? [] : [...get(NB), ...i32(r), ...mul, ...add])];
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) code.push(...get(ACCUMULATE), ...ifV128, ...cAt(r), ...v128Load(16 * v), ...elseOp, ...v128Zero, ...end, ...set(acc(r, v)));
  }
  for (let r = 0; r < rows; r++) code.push(...get(AROW), ...(r === 0 ? [] : [...get(ARS), ...i32(r), ...mul, ...add]), ...set(PA[r] as number));
  code.push(...get(B), ...get(COL), ...add, ...set(PB), ...get(K), ...set(P));
  code.push(...block, ...loop);
  code.push(...get(P), ...eqz, ...brIf(1));
  for (let r = 0; r < rows; r++) code.push(...get(PA[r] as number), ...f32Load, ...f32x4Splat, ...set(AV[r] as number));
  for (let v = 0; v < vectors; v++) code.push(...get(PB), ...v128Load(16 * v), ...set(BV[v] as number));
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) code.push(...get(acc(r, v)), ...get(AV[r] as number), ...get(BV[v] as number), ...f32x4Mul, ...f32x4Add, ...set(acc(r, v)));
  }
  for (let r = 0; r < rows; r++) code.push(...get(PA[r] as number), ...get(AKS), ...add, ...set(PA[r] as number));
  code.push(...get(PB), ...get(NB), ...add, ...set(PB));
  code.push(...get(P), ...i32(1), ...sub, ...set(P));
  code.push(...br(0), ...end, ...end);
  for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) code.push(...cAt(r), ...get(acc(r, v)), ...v128Store(16 * v));
  code.push(...get(COL), ...i32(16 * vectors), ...add, ...set(COL));
  return code;
}

/** `rows` rows of C from ROW: 16 columns at a time (2-row blocks only), then 8, then 4. */
function rowBlock(rows: number): number[] {
  const code: number[] = [];
  code.push(...get(A), ...get(ROW), ...get(ARS), ...mul, ...add, ...set(AROW));
  code.push(...get(C), ...get(ROW), ...get(NB), ...mul, ...add, ...set(CROW));
  code.push(...i32(0), ...set(COL));
  if (rows === ROWS) code.push(...block, ...loop, ...get(COL), ...i32(64), ...add, ...get(NB), ...gtU, ...brIf(1), ...columnBlock(rows, 4), ...br(0), ...end, ...end);
  code.push(...block, ...loop, ...get(COL), ...i32(32), ...add, ...get(NB), ...gtU, ...brIf(1), ...columnBlock(rows, 2), ...br(0), ...end, ...end);
  code.push(...block, ...loop, ...get(COL), ...get(NB), ...geU, ...brIf(1), ...columnBlock(rows, 1), ...br(0), ...end, ...end);
  return code;
}

/** `C[m, n] = A[m, k] · B[k, n]`: 2 rows x 16 columns of C at a time (then narrower blocks, and a last odd row alone), each summing over k in order. */
function gemmBody(): number[] {
  const code: number[] = [];
  code.push(...get(N), ...i32(2), ...shl, ...set(NB));
  code.push(...get(AROW_STRIDE), ...i32(2), ...shl, ...set(ARS));
  code.push(...get(ASTEP), ...i32(2), ...shl, ...set(AKS));
  code.push(...i32(0), ...set(ROW));
  code.push(...block, ...loop, ...get(ROW), ...i32(ROWS), ...add, ...get(M), ...gtU, ...brIf(1), ...rowBlock(ROWS), ...get(ROW), ...i32(ROWS), ...add, ...set(ROW), ...br(0), ...end, ...end);
  code.push(...block, ...loop, ...get(ROW), ...get(M), ...geU, ...brIf(1), ...rowBlock(1), ...get(ROW), ...i32(1), ...add, ...set(ROW), ...br(0), ...end, ...end);
  return body([[14, I32], [16, V128]], code);
}

/** The sum of a vector's 4 lanes, ((l0 + l1) + l2) + l3. */
export function horizontalSum(local: number): number[] {
  return [...get(local), ...f32x4ExtractLane(0), ...get(local), ...f32x4ExtractLane(1), ...f32Add, ...get(local), ...f32x4ExtractLane(2), ...f32Add, ...get(local), ...f32x4ExtractLane(3), ...f32Add];
}

// softmaxGrad's parameters: p, d (byte offsets), rows, columns (a multiple of 4), scale (f32); then locals.
const [SG_P, SG_D, SG_ROWS, SG_COLS, SG_SCALE] = [0, 1, 2, 3, 4];
const [SG_ROWBYTES, SG_J, SG_DOT, SG_SCALEV] = [5, 6, 7, 8];

/** `d = p (d - Σ_j p d) · scale` per row of `columns` values, in place (softmax's gradient). */
function softmaxGradBody(): number[] {
  const code: number[] = [];
  code.push(...get(SG_COLS), ...i32(2), ...shl, ...set(SG_ROWBYTES));
  code.push(...get(SG_SCALE), ...f32x4Splat, ...set(SG_SCALEV));
  code.push(...block, ...loop, ...get(SG_ROWS), ...eqz, ...brIf(1));
  // The row's dot product, 4 lanes, then summed.
  code.push(...v128Zero, ...set(SG_DOT), ...i32(0), ...set(SG_J));
  code.push(...block, ...loop, ...get(SG_J), ...get(SG_ROWBYTES), ...geU, ...brIf(1));
  code.push(...get(SG_DOT), ...get(SG_P), ...get(SG_J), ...add, ...v128Load(0), ...get(SG_D), ...get(SG_J), ...add, ...v128Load(0), ...f32x4Mul, ...f32x4Add, ...set(SG_DOT));
  code.push(...get(SG_J), ...i32(16), ...add, ...set(SG_J), ...br(0), ...end, ...end);
  code.push(...horizontalSum(SG_DOT), ...f32x4Splat, ...set(SG_DOT), ...i32(0), ...set(SG_J));
  code.push(...block, ...loop, ...get(SG_J), ...get(SG_ROWBYTES), ...geU, ...brIf(1));
  code.push(...get(SG_D), ...get(SG_J), ...add);
  code.push(...get(SG_P), ...get(SG_J), ...add, ...v128Load(0), ...get(SG_D), ...get(SG_J), ...add, ...v128Load(0), ...get(SG_DOT), ...f32x4Sub, ...f32x4Mul, ...get(SG_SCALEV), ...f32x4Mul, ...v128Store(0));
  code.push(...get(SG_J), ...i32(16), ...add, ...set(SG_J), ...br(0), ...end, ...end);
  code.push(...get(SG_P), ...get(SG_ROWBYTES), ...add, ...set(SG_P), ...get(SG_D), ...get(SG_ROWBYTES), ...add, ...set(SG_D));
  code.push(...get(SG_ROWS), ...i32(1), ...sub, ...set(SG_ROWS), ...br(0), ...end, ...end);
  return body([[2, I32], [2, V128]], code);
}

// softmax's parameters: s (byte offset), rows, columns (a multiple of 4); then locals: working
// values, then the exp's constants (set once, before the rows).
const [SM_S, SM_ROWS, SM_COLS] = [0, 1, 2];
const [SM_ROWBYTES, SM_J, SM_ACC, SM_SUM, SM_X, SM_R, SM_T] = [3, 4, 5, 6, 7, 8, 9];
const EXP_LOW = -87.33654; // below this expf underflows: the result is 0
const MAGIC = 12582912; // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits
const POLYNOMIAL = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
const EXP_CONSTANTS = [EXP_LOW, Math.LOG2E, MAGIC, 0.693359375, -2.12194440e-4, ...POLYNOMIAL, 1];
/** How many v128 locals `expCode` reads its constants from (set by `expConstantsCode`). */
export const EXP_CONSTANT_COUNT = EXP_CONSTANTS.length;
const f32x4PMax = simd(0xeb);

/** The v128 locals `expCode` uses: its input, two working vectors, and the first of EXP_CONSTANT_COUNT constants. */
export interface ExpLocals {
  x: number;
  r: number;
  t: number;
  constants: number;
}

/** Sets the EXP_CONSTANT_COUNT locals from `first` to exp's constants (once, before a loop). */
export function expConstantsCode(first: number): number[] {
  return EXP_CONSTANTS.flatMap((value, i) => [...f32x4Const(value), ...set(first + i)]);
}

/**
 * `exp` of the vector in local `x`, left on the stack (Cephes' expf: x = n ln2 + r, |r| <= ln2 / 2,
 * n rounded by adding 1.5 * 2^23, a degree-7 polynomial for e^r, 2^n from n's bits; about
 * 1 ulp), 0 below EXP_LOW.
 */
export function expCode(locals: ExpLocals): number[] {
  const { x, r, t } = locals;
  const constant = (value: number) => get(locals.constants + EXP_CONSTANTS.indexOf(value));
  const code: number[] = [];
  code.push(...get(x), ...constant(EXP_LOW), ...f32x4PMax, ...set(r));
  code.push(...get(r), ...constant(Math.LOG2E), ...f32x4Mul, ...constant(MAGIC), ...f32x4Add, ...set(t));
  // r = x - n C1 - n C2, n = t - MAGIC (on the stack twice).
  code.push(...get(r), ...get(t), ...constant(MAGIC), ...f32x4Sub, ...constant(0.693359375), ...f32x4Mul, ...f32x4Sub);
  code.push(...get(t), ...constant(MAGIC), ...f32x4Sub, ...constant(-2.12194440e-4), ...f32x4Mul, ...f32x4Sub, ...set(r));
  code.push(...constant(POLYNOMIAL[0] as number));
  for (const c of POLYNOMIAL.slice(1)) code.push(...get(r), ...f32x4Mul, ...constant(c), ...f32x4Add);
  code.push(...get(r), ...get(r), ...f32x4Mul, ...f32x4Mul, ...get(r), ...f32x4Add, ...constant(1), ...f32x4Add);
  // 2^n: n's bits shifted into the exponent field, plus the bias.
  code.push(...get(t), ...i32(23), ...i32x4Shl, ...i32x4Const(127 << 23), ...i32x4Add, ...f32x4Mul);
  code.push(...get(x), ...constant(EXP_LOW), ...f32x4Lt, ...v128AndNot);
  return code;
}

const SM_EXP: ExpLocals = { x: SM_X, r: SM_R, t: SM_T, constants: 10 };

/** A loop over a row's vectors (byte offset `j` from 0 to `rowBytes`) running `inner`. */
export function rowLoop(j: number, rowBytes: number, inner: number[]): number[] {
  return [...i32(0), ...set(j), ...block, ...loop, ...get(j), ...get(rowBytes), ...geU, ...brIf(1), ...inner, ...get(j), ...i32(16), ...add, ...set(j), ...br(0), ...end, ...end];
}

/**
 * The maximum of a row (byte offset in local `row`, `rowBytes` long, a multiple of 16) splatted
 * into the v128 local `acc`: 4 lanes of `f32x4.pmax` over the row, then the lanes' `f32.max`
 * (`j` is the loop's offset).
 */
export function rowMaxCode(row: number, j: number, rowBytes: number, acc: number): number[] {
  const at = [...get(row), ...get(j), ...add];
  return [
    ...get(row), ...v128Load(0), ...set(acc),
    ...rowLoop(j, rowBytes, [...get(acc), ...at, ...v128Load(0), ...f32x4PMax, ...set(acc)]),
    ...get(acc), ...f32x4ExtractLane(0), ...get(acc), ...f32x4ExtractLane(1), ...f32Max, ...get(acc), ...f32x4ExtractLane(2), ...f32Max, ...get(acc), ...f32x4ExtractLane(3), ...f32Max, ...f32x4Splat, ...set(acc),
  ];
}

/** Softmax over each row of `columns` values, in place: exp(s - max) / Σ exp(s - max). */
function softmaxBody(): number[] {
  const code: number[] = [];
  const at = [...get(SM_S), ...get(SM_J), ...add];
  code.push(...expConstantsCode(SM_EXP.constants));
  code.push(...get(SM_COLS), ...i32(2), ...shl, ...set(SM_ROWBYTES));
  code.push(...block, ...loop, ...get(SM_ROWS), ...eqz, ...brIf(1));
  code.push(...rowMaxCode(SM_S, SM_J, SM_ROWBYTES, SM_ACC));
  // exp(s - max) stored and summed in one pass.
  code.push(...v128Zero, ...set(SM_SUM));
  code.push(...rowLoop(SM_J, SM_ROWBYTES, [...at, ...v128Load(0), ...get(SM_ACC), ...f32x4Sub, ...set(SM_X), ...at, ...expCode(SM_EXP), ...set(SM_R), ...get(SM_R), ...v128Store(0), ...get(SM_SUM), ...get(SM_R), ...f32x4Add, ...set(SM_SUM)]));
  code.push(...f32Const(1), ...horizontalSum(SM_SUM), ...f32Div, ...f32x4Splat, ...set(SM_ACC));
  code.push(...rowLoop(SM_J, SM_ROWBYTES, [...at, ...at, ...v128Load(0), ...get(SM_ACC), ...f32x4Mul, ...v128Store(0)]));
  code.push(...get(SM_S), ...get(SM_ROWBYTES), ...add, ...set(SM_S));
  code.push(...get(SM_ROWS), ...i32(1), ...sub, ...set(SM_ROWS), ...br(0), ...end, ...end);
  return body([[2, I32], [5 + EXP_CONSTANTS.length, V128]], code);
}

// columnSums' parameters: x, totals (byte offsets; totals float64, zeroed by the caller), rows,
// columns (a multiple of 4); then locals.
const [CS_X, CS_T, CS_ROWS, CS_COLS] = [0, 1, 2, 3];
const [CS_J, CS_ROWBYTES, CS_V] = [4, 5, 6];
const f64x2PromoteLow = simd(0x5f);
const f64x2Add = simd(0xf0);
const i8x16Shuffle = (lanes: number[]) => simd(0x0d, ...lanes);
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

/** `totals[j] += x[r, j]` over every row in float64, row by row (the order of a plain loop). */
function columnSumsBody(): number[] {
  const code: number[] = [];
  const total = (half: number) => [...get(CS_T), ...get(CS_J), ...i32(1), ...shl, ...add, ...(half ? [...i32(16), ...add] : [])];
  code.push(...get(CS_COLS), ...i32(2), ...shl, ...set(CS_ROWBYTES));
  code.push(...block, ...loop, ...get(CS_ROWS), ...eqz, ...brIf(1));
  code.push(...i32(0), ...set(CS_J), ...block, ...loop, ...get(CS_J), ...get(CS_ROWBYTES), ...geU, ...brIf(1));
  code.push(...get(CS_X), ...get(CS_J), ...add, ...v128Load(0), ...set(CS_V));
  code.push(...total(0), ...total(0), ...v128Load(0), ...get(CS_V), ...f64x2PromoteLow, ...f64x2Add, ...v128Store(0));
  code.push(...total(1), ...total(1), ...v128Load(0), ...get(CS_V), ...get(CS_V), ...i8x16Shuffle(HIGH_HALF), ...f64x2PromoteLow, ...f64x2Add, ...v128Store(0));
  code.push(...get(CS_J), ...i32(16), ...add, ...set(CS_J), ...br(0), ...end, ...end);
  code.push(...get(CS_X), ...get(CS_ROWBYTES), ...add, ...set(CS_X));
  code.push(...get(CS_ROWS), ...i32(1), ...sub, ...set(CS_ROWS), ...br(0), ...end, ...end);
  return body([[2, I32], [1, V128]], code);
}

export const f32Store = (offset: number) => [0x38, 2, ...uleb(offset)];
export const f32LoadAt = (offset: number) => [0x2a, 2, ...uleb(offset)];
const f32Sqrt = [0x91];
const f32ConvertI32 = [0xb2];

// layerNorm's parameters: x, gamma, beta, y, stats (byte offsets), rows, features (a multiple
// of 4), epsilon (f32); then locals.
const [LN_X, LN_G, LN_B, LN_Y, LN_STATS, LN_ROWS, LN_F, LN_EPS] = [0, 1, 2, 3, 4, 5, 6, 7];
const [LN_J, LN_ROWBYTES, LN_MEAN, LN_RSTD, LN_ACC, LN_MEANV, LN_RSTDV, LN_D] = [8, 9, 10, 11, 12, 13, 14, 15];

/** Layer normalisation per row: y = (x - mean) · rstd · gamma + beta, stats = [mean, rstd] per row (float32 sums, 4 lanes). */
function layerNormBody(): number[] {
  const code: number[] = [];
  const at = (base: number) => [...get(base), ...get(LN_J), ...add];
  const features = [...get(LN_F), ...f32ConvertI32];
  code.push(...get(LN_F), ...i32(2), ...shl, ...set(LN_ROWBYTES));
  code.push(...block, ...loop, ...get(LN_ROWS), ...eqz, ...brIf(1));
  code.push(...v128Zero, ...set(LN_ACC));
  code.push(...rowLoop(LN_J, LN_ROWBYTES, [...get(LN_ACC), ...at(LN_X), ...v128Load(0), ...f32x4Add, ...set(LN_ACC)]));
  code.push(...horizontalSum(LN_ACC), ...features, ...f32Div, ...set(LN_MEAN), ...get(LN_MEAN), ...f32x4Splat, ...set(LN_MEANV));
  code.push(...v128Zero, ...set(LN_ACC));
  code.push(...rowLoop(LN_J, LN_ROWBYTES, [...at(LN_X), ...v128Load(0), ...get(LN_MEANV), ...f32x4Sub, ...set(LN_D), ...get(LN_ACC), ...get(LN_D), ...get(LN_D), ...f32x4Mul, ...f32x4Add, ...set(LN_ACC)]));
  code.push(...f32Const(1), ...horizontalSum(LN_ACC), ...features, ...f32Div, ...get(LN_EPS), ...f32Add, ...f32Sqrt, ...f32Div, ...set(LN_RSTD), ...get(LN_RSTD), ...f32x4Splat, ...set(LN_RSTDV));
  code.push(...rowLoop(LN_J, LN_ROWBYTES, [...at(LN_Y), ...at(LN_X), ...v128Load(0), ...get(LN_MEANV), ...f32x4Sub, ...get(LN_RSTDV), ...f32x4Mul, ...get(LN_G), ...get(LN_J), ...add, ...v128Load(0), ...f32x4Mul, ...get(LN_B), ...get(LN_J), ...add, ...v128Load(0), ...f32x4Add, ...v128Store(0)]));
  code.push(...get(LN_STATS), ...get(LN_MEAN), ...f32Store(0), ...get(LN_STATS), ...get(LN_RSTD), ...f32Store(4));
  code.push(...get(LN_X), ...get(LN_ROWBYTES), ...add, ...set(LN_X), ...get(LN_Y), ...get(LN_ROWBYTES), ...add, ...set(LN_Y), ...get(LN_STATS), ...i32(8), ...add, ...set(LN_STATS));
  code.push(...get(LN_ROWS), ...i32(1), ...sub, ...set(LN_ROWS), ...br(0), ...end, ...end);
  return body([[2, I32], [2, F32], [4, V128]], code);
}

// layerNormGrad's parameters: dy, x, gamma, stats, dx, dyXhat (byte offsets), rows, features
// (a multiple of 4); then locals.
const [LG_DY, LG_X, LG_G, LG_STATS, LG_DX, LG_DYXHAT, LG_ROWS, LG_F] = [0, 1, 2, 3, 4, 5, 6, 7];
const [LG_J, LG_ROWBYTES, LG_MEANV, LG_RSTDV, LG_SUMD, LG_SUMDX, LG_XHAT, LG_DXHAT, LG_D] = [8, 9, 10, 11, 12, 13, 14, 15, 16];

/**
 * Layer normalisation's gradient per row: dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)),
 * dxhat = dy gamma; dy · xhat is written out for dgamma's column sums (dbeta is dy's).
 */
function layerNormGradBody(): number[] {
  const code: number[] = [];
  const at = (base: number) => [...get(base), ...get(LG_J), ...add];
  const features = [...get(LG_F), ...f32ConvertI32];
  const xhat = [...at(LG_X), ...v128Load(0), ...get(LG_MEANV), ...f32x4Sub, ...get(LG_RSTDV), ...f32x4Mul, ...set(LG_XHAT)];
  code.push(...get(LG_F), ...i32(2), ...shl, ...set(LG_ROWBYTES));
  code.push(...block, ...loop, ...get(LG_ROWS), ...eqz, ...brIf(1));
  code.push(...get(LG_STATS), ...f32LoadAt(0), ...f32x4Splat, ...set(LG_MEANV), ...get(LG_STATS), ...f32LoadAt(4), ...f32x4Splat, ...set(LG_RSTDV));
  code.push(...v128Zero, ...set(LG_SUMD), ...v128Zero, ...set(LG_SUMDX));
  code.push(...rowLoop(LG_J, LG_ROWBYTES, [
    ...xhat, ...at(LG_DY), ...v128Load(0), ...set(LG_D),
    ...get(LG_D), ...get(LG_G), ...get(LG_J), ...add, ...v128Load(0), ...f32x4Mul, ...set(LG_DXHAT),
    ...get(LG_SUMD), ...get(LG_DXHAT), ...f32x4Add, ...set(LG_SUMD),
    ...get(LG_SUMDX), ...get(LG_DXHAT), ...get(LG_XHAT), ...f32x4Mul, ...f32x4Add, ...set(LG_SUMDX),
    ...at(LG_DYXHAT), ...get(LG_D), ...get(LG_XHAT), ...f32x4Mul, ...v128Store(0),
  ]));
  code.push(...horizontalSum(LG_SUMD), ...features, ...f32Div, ...f32x4Splat, ...set(LG_SUMD));
  code.push(...horizontalSum(LG_SUMDX), ...features, ...f32Div, ...f32x4Splat, ...set(LG_SUMDX));
  code.push(...rowLoop(LG_J, LG_ROWBYTES, [
    ...xhat, ...at(LG_DX),
    ...at(LG_DY), ...v128Load(0), ...get(LG_G), ...get(LG_J), ...add, ...v128Load(0), ...f32x4Mul, ...get(LG_SUMD), ...f32x4Sub,
    ...get(LG_XHAT), ...get(LG_SUMDX), ...f32x4Mul, ...f32x4Sub, ...get(LG_RSTDV), ...f32x4Mul, ...v128Store(0),
  ]));
  for (const base of [LG_DY, LG_X, LG_DX, LG_DYXHAT]) code.push(...get(base), ...get(LG_ROWBYTES), ...add, ...set(base));
  code.push(...get(LG_STATS), ...i32(8), ...add, ...set(LG_STATS));
  code.push(...get(LG_ROWS), ...i32(1), ...sub, ...set(LG_ROWS), ...br(0), ...end, ...end);
  return body([[2, I32], [7, V128]], code);
}

// adam's parameters: g, m0, v0, p, u, m1, v1 (byte offsets), pairs (values / 2), withParam (i32),
// then f64: beta1, 1 - beta1, beta2, 1 - beta2, factor, epsScaled, weightDecay, scale; then locals.
const F64 = 0x7c;
const [AD_G, AD_M0, AD_V0, AD_P, AD_U, AD_M1, AD_V1, AD_PAIRS, AD_WITHP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const AD_CONST = [9, 10, 11, 12, 13, 14, 15, 16];
const [AD_O, AD_END, AD_G2, AD_M, AD_V, AD_UP] = [17, 18, 19, 20, 21, 22];
const AD_SPLAT = [23, 24, 25, 26, 27, 28, 29, 30];
const v128Load64Zero = (offset: number) => simd(0x5d, 3, ...uleb(offset));
const v128Store64Lane0 = (offset: number) => simd(0x5b, 3, ...uleb(offset), 0);
const f32x4DemoteF64x2Zero = simd(0x5e);
const f64x2Splat = simd(0x14);
const f64x2Sqrt = simd(0xef);
const f64x2Mul = simd(0xf2);
const f64x2Div = simd(0xf3);
const ifVoid = [0x04, 0x40];

/**
 * Adam's update two values at a time in float64 (the JavaScript loop's operations in its order,
 * so bit-identical): m = f32(β1 m0 + (1-β1) g), v = f32(β2 v0 + (1-β2) g g),
 * u = f32(((m · factor) / (√v + ε') + [wd · p]) · scale).
 */
function adamBody(): number[] {
  const code: number[] = [];
  const pair = (base: number) => [...get(base), ...get(AD_O), ...add];
  const wide = (base: number) => [...pair(base), ...v128Load64Zero(0), ...f64x2PromoteLow];
  const [beta1, b1, beta2, b2, factor, eps, decay, scale] = AD_SPLAT as [number, number, number, number, number, number, number, number];
  AD_CONST.forEach((c, i) => code.push(...get(c), ...f64x2Splat, ...set(AD_SPLAT[i] as number)));
  code.push(...get(AD_PAIRS), ...i32(3), ...shl, ...set(AD_END), ...i32(0), ...set(AD_O));
  code.push(...block, ...loop, ...get(AD_O), ...get(AD_END), ...geU, ...brIf(1));
  code.push(...wide(AD_G), ...set(AD_G2));
  code.push(...get(beta1), ...wide(AD_M0), ...f64x2Mul, ...get(b1), ...get(AD_G2), ...f64x2Mul, ...f64x2Add, ...f32x4DemoteF64x2Zero, ...set(AD_M));
  code.push(...pair(AD_M1), ...get(AD_M), ...v128Store64Lane0(0));
  code.push(...get(beta2), ...wide(AD_V0), ...f64x2Mul, ...get(b2), ...get(AD_G2), ...f64x2Mul, ...get(AD_G2), ...f64x2Mul, ...f64x2Add, ...f32x4DemoteF64x2Zero, ...set(AD_V));
  code.push(...pair(AD_V1), ...get(AD_V), ...v128Store64Lane0(0));
  code.push(...get(AD_M), ...f64x2PromoteLow, ...get(factor), ...f64x2Mul, ...get(AD_V), ...f64x2PromoteLow, ...f64x2Sqrt, ...get(eps), ...f64x2Add, ...f64x2Div, ...set(AD_UP));
  code.push(...get(AD_WITHP), ...ifVoid, ...get(AD_UP), ...get(decay), ...wide(AD_P), ...f64x2Mul, ...f64x2Add, ...set(AD_UP), ...end);
  code.push(...pair(AD_U), ...get(AD_UP), ...get(scale), ...f64x2Mul, ...f32x4DemoteF64x2Zero, ...v128Store64Lane0(0));
  code.push(...get(AD_O), ...i32(8), ...add, ...set(AD_O), ...br(0), ...end, ...end);
  return body([[2, I32], [4 + AD_SPLAT.length, V128]], code);
}

const FUNCTIONS = ['gemm', 'softmaxGrad', 'softmax', 'columnSums', 'layerNorm', 'layerNormGrad', 'adam'] as const;

/**
 * Where the module's memory comes from: its own ('own': operands are copied in and out), or
 * the backend's heap, imported ('heap', or 'sharedHeap' for the threaded backend's shared
 * memory, up to 4 GiB): the functions then read and write tensors in place.
 */
export type ModuleMemory = 'own' | 'heap' | 'sharedHeap';

function memorySection(memory: ModuleMemory): number[] {
  if (memory === 'own') return section(5, [...uleb(1), 0x00, ...uleb(1)]);
  const limits = memory === 'sharedHeap' ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  return section(2, [...uleb(1), ...name('env'), ...name('memory'), 0x02, ...limits]);
}

/** The module's bytes (exported for the test that checks they validate). */
export function smallGemmModuleBytes(memory: ModuleMemory = 'own'): Uint8Array {
  const gemmType = [0x60, ...uleb(9), I32, I32, I32, I32, I32, I32, I32, I32, I32, ...uleb(0)];
  const softmaxGradType = [0x60, ...uleb(5), I32, I32, I32, I32, F32, ...uleb(0)];
  const softmaxType = [0x60, ...uleb(3), I32, I32, I32, ...uleb(0)];
  const columnSumsType = [0x60, ...uleb(4), I32, I32, I32, I32, ...uleb(0)];
  const layerNormType = [0x60, ...uleb(8), I32, I32, I32, I32, I32, I32, I32, F32, ...uleb(0)];
  const layerNormGradType = [0x60, ...uleb(8), I32, I32, I32, I32, I32, I32, I32, I32, ...uleb(0)];
  const adamType = [0x60, ...uleb(17), ...new Array<number>(9).fill(I32), ...new Array<number>(8).fill(F64), ...uleb(0)];
  const exports = [...name('memory'), 0x02, ...uleb(0), ...FUNCTIONS.flatMap((f, i) => [...name(f), 0x00, ...uleb(i)])];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(7), ...gemmType, ...softmaxGradType, ...softmaxType, ...columnSumsType, ...layerNormType, ...layerNormGradType, ...adamType]),
    ...(memory === 'own' ? [] : memorySection(memory)),
    ...section(3, [...uleb(7), ...uleb(0), ...uleb(1), ...uleb(2), ...uleb(3), ...uleb(4), ...uleb(5), ...uleb(6)]),
    ...(memory === 'own' ? memorySection(memory) : []),
    ...section(7, [...uleb(1 + FUNCTIONS.length), ...exports]),
    ...section(10, [...uleb(7), ...gemmBody(), ...softmaxGradBody(), ...softmaxBody(), ...columnSumsBody(), ...layerNormBody(), ...layerNormGradBody(), ...adamBody()]),
  ];
  return new Uint8Array(bytes);
}

export interface SmallGemmExports {
  memory: WebAssembly.Memory;
  gemm: (a: number, b: number, c: number, m: number, k: number, n: number, aRow: number, aStep: number, accumulate: number) => void;
  softmaxGrad: (p: number, d: number, rows: number, columns: number, scale: number) => void;
  softmax: (s: number, rows: number, columns: number) => void;
  columnSums: (x: number, totals: number, rows: number, columns: number) => void;
  layerNorm: (x: number, gamma: number, beta: number, y: number, stats: number, rows: number, features: number, epsilon: number) => void;
  layerNormGrad: (dy: number, x: number, gamma: number, stats: number, dx: number, dyXhat: number, rows: number, features: number) => void;
  adam: (g: number, m0: number, v0: number, p: number, u: number, m1: number, v1: number, pairs: number, withParam: number, ...constants: number[]) => void;
}

/** A module compiled from `bytes`, or null where it does not compile (no WebAssembly SIMD). */
export function compileOrNull(bytes: Uint8Array): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(bytes as BufferSource);
  } catch {
    return null;
  }
}

/** A new instance of `module` (its own memory, or `memory` imported) as `T`, or null without a module or where it does not instantiate. */
export function instantiateOrNull<T>(module: WebAssembly.Module | null, memory?: WebAssembly.Memory): T | null {
  try {
    return module === null ? null : (new WebAssembly.Instance(module, memory === undefined ? {} : { env: { memory } }).exports as unknown as T);
  } catch {
    return null;
  }
}

let instance: SmallGemmExports | null | undefined;
// A second instance for BatchMatMul's products and a third for workspaces (the attention
// kernels), so that growing one's memory never detaches the views another holds.
let batchInstance: SmallGemmExports | null | undefined;
let workspaceInstance: SmallGemmExports | null | undefined;

// The module, generated and compiled once for every instance (null: it does not compile here).
let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null when it does not compile here (also instantiated by attention-helper.ts's worker). */
export function smallGemmModule(): WebAssembly.Module | null {
  // Synchronous: the module is about 3.9 KB (browsers allow synchronous compiles up to 4 KB:
  // a function more needs a split into two modules or an asynchronous compile).
  if (compiled === undefined) compiled = compileOrNull(smallGemmModuleBytes());
  return compiled;
}

const heapModules = new Map<ModuleMemory, WebAssembly.Module | null>();

/** The variant that imports a backend's heap (`shared`: the threaded backend's), compiled once; null where it does not compile. */
export function heapModule(shared: boolean): WebAssembly.Module | null {
  const kind: ModuleMemory = shared ? 'sharedHeap' : 'heap';
  if (!heapModules.has(kind)) heapModules.set(kind, compileOrNull(smallGemmModuleBytes(kind)));
  return heapModules.get(kind) ?? null;
}

/**
 * The module's products and Adam update run in place on a backend's heap: every argument is a
 * view of that heap (the backend's `typedArrayFromHeap`), nothing is copied. Same functions and
 * the same operations in the same order as the copying entry points, so the same results.
 */
export interface HeapKernels {
  /** The heap the instance imports. */
  memory: WebAssembly.Memory;
  /** The instance, for a split with the helper worker (attention-helper.ts). */
  exports: SmallGemmExports;
  /** `c[m, n] = a[m, k] · b[k, n]`, or `aᵀ · b` with `a` stored `[k, m]` when `aTransposed`; `n` a multiple of 4. */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aTransposed: boolean): void;
  /** Adam's update for the first `pairs` pairs of values (see `adamPairs`); `p` null without weight decay. */
  adam(views: [Float32Array, Float32Array, Float32Array, Float32Array | null, Float32Array, Float32Array, Float32Array], pairs: number, constants: AdamConstants): void;
  /** Column sums of `x` (see `columnSums`) into `totals` (a heap view of 2 · columns floats, 8-byte aligned, holding float64s), returned as float64s. */
  columnSums(x: Float32Array, totals: Float32Array, rows: number, columns: number): Float64Array;
}

const heapInstances = new WeakMap<WebAssembly.Memory, HeapKernels | null>();

/** Kernels over `memory` (a backend's heap; one instance per memory), or null without one or where the module cannot run. */
export function heapKernels(memory: WebAssembly.Memory | null): HeapKernels | null {
  if (memory === null) return null;
  if (heapInstances.has(memory)) return heapInstances.get(memory) ?? null;
  const exports = instantiateOrNull<SmallGemmExports>(heapModule(typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer), memory);
  const kernels: HeapKernels | null =
    exports === null
      ? null
      : {
          memory,
          exports,
          gemm: (a, b, c, m, k, n, aTransposed) => productRows(exports, a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, aTransposed),
          adam: ([g, m0, v0, p, u, m1, v1], pairs, constants) =>
            exports.adam(g.byteOffset, m0.byteOffset, v0.byteOffset, p === null ? 0 : p.byteOffset, u.byteOffset, m1.byteOffset, v1.byteOffset, pairs, p === null ? 0 : 1, ...constants),
          columnSums: (x, totals, rows, columns) => sumColumns(exports, x, totals, rows, columns),
        };
  heapInstances.set(memory, kernels);
  return kernels;
}

/** An instance, or null without WebAssembly SIMD (the caller keeps the backend's kernels). */
function newInstance(): SmallGemmExports | null {
  return instantiateOrNull<SmallGemmExports>(smallGemmModule());
}

/** Float32 views of `sizes` values each, laid out one after another (16-byte aligned) from offset 0 of the instance's memory, grown to fit. */
function layOut(target: SmallGemmExports, sizes: number[]): Float32Array[] {
  const aligned = sizes.map((size) => Math.ceil(size / 4) * 4);
  const bytes = 4 * aligned.reduce((a, b) => a + b, 0);
  const needed = Math.ceil(bytes / 65536) - target.memory.buffer.byteLength / 65536;
  if (needed > 0) target.memory.grow(needed);
  const buffer = target.memory.buffer;
  let offset = 0;
  return sizes.map((size, index) => {
    const view = new Float32Array(buffer, offset, size);
    offset += 4 * (aligned[index] as number);
    return view;
  });
}

/**
 * Rows `from` to `to` of `c = a · b` (or `aᵀ · b`, a stored [k, m]), `n` a multiple of 4, at byte
 * offsets of `target`'s memory. Long products run in slices of k whose operands (a's and b's, up
 * to 128 KB) stay in cache while every 2 x 16 block of C passes over them (a weight gradient
 * xᵀ · dy with x, dy [25600, 32] otherwise streams 6.5 MB from memory once per block); each
 * element of C is still one sum over k in order (a slice only stores and reloads it), so any
 * split by rows or slices gives the same bits. Written to reference nothing outside itself: the
 * helper worker (attention-helper.ts) gets it as source.
 */
export function productRows(target: Pick<SmallGemmExports, 'gemm'>, a: number, b: number, c: number, m: number, k: number, n: number, aTransposed: boolean, from = 0, to = m): void {
  const rows = to - from;
  const out = c + 4 * from * n;
  if (rows <= 0) return;
  if (k === 0) return target.gemm(a, b, out, rows, 0, n, 0, 1, 0); // C = 0
  const slice = 4 * k * (rows + n) > 1 << 17 ? Math.max(16, Math.floor((1 << 17) / (4 * (rows + n)))) : k;
  for (let p = 0; p < k; p += slice) {
    const depth = Math.min(slice, k - p);
    if (aTransposed) target.gemm(a + 4 * (from + p * m), b + 4 * p * n, out, rows, depth, n, 1, m, p > 0 ? 1 : 0);
    else target.gemm(a + 4 * (from * k + p), b + 4 * p * n, out, rows, depth, n, k, 1, p > 0 ? 1 : 0);
  }
}

/** `a`, `b` and `out` laid out one after another from offset 0 of the module's memory, grown to fit. */
function productViews(target: SmallGemmExports, m: number, k: number, n: number): MatrixProduct {
  const [a, b, out] = layOut(target, [m * k, k * n, m * n]) as [Float32Array, Float32Array, Float32Array];
  return {
    a,
    b,
    out,
    run: (aTransposed = false) => productRows(target, a.byteOffset, b.byteOffset, out.byteOffset, m, k, n, aTransposed),
  };
}

/**
 * `out = a · b` for a fixed `b` [k, n] and many `a` [m, k]: write `a` (or pass it to the code
 * that fills it), call `run()`, read `out`. The views stay valid until the next `stepProduct`.
 */
export interface StepProduct {
  a: Float32Array;
  out: Float32Array;
  run(): void;
}

/** A product for `m x k` times the given `b` (`k x n`, copied in), or null when the module cannot run here or `n` is not a multiple of 4. */
export function stepProduct(m: number, k: number, n: number, b: Float32Array): StepProduct | null {
  if (n % 4 !== 0 || b.length !== k * n) return null;
  if (instance === undefined) instance = newInstance();
  if (instance === null) return null;
  const views = productViews(instance, m, k, n);
  views.b.set(b);
  return { a: views.a, out: views.out, run: () => views.run() };
}

/**
 * `out = a · b` for one `a` [m, k] and one `b` [k, n] at a time (BatchMatMul's batch entries):
 * write `a` and `b`, call `run()`, read `out`. `run(true)` reads `a` as `aᵀ` stored row-major
 * ([k, m]), with no transpose. The views stay valid until the next `matrixProduct`. Null when
 * the module cannot run here or `n` is not a multiple of 4.
 */
export interface MatrixProduct {
  a: Float32Array;
  b: Float32Array;
  out: Float32Array;
  run(aTransposed?: boolean): void;
}

export function matrixProduct(m: number, k: number, n: number): MatrixProduct | null {
  if (n % 4 !== 0) return null;
  if (batchInstance === undefined) batchInstance = newInstance();
  return batchInstance === null ? null : productViews(batchInstance, m, k, n);
}

/**
 * Views in the module's memory and its functions over them (every view argument must be one
 * of `views` or a subarray of one): the fused attention kernels run a whole head there.
 */
export interface SimdWorkspace {
  views: Float32Array[];
  /** `c[m, n] = a[m, k] · b[k, n]`, or `aᵀ · b` with `a` stored `[k, m]` when `aTransposed`; `n` a multiple of 4. */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aTransposed?: boolean): void;
  /** Softmax over each of `rows` rows of `columns` values (a multiple of 4), in place. */
  softmax(s: Float32Array, rows: number, columns: number): void;
  /** `d = p (d - Σ p d) · scale` per row of `columns` values (a multiple of 4), in place. */
  softmaxGrad(p: Float32Array, d: Float32Array, rows: number, columns: number, scale: number): void;
  /** Column sums of `x` (`rows x columns`, columns a multiple of 4) in float64, row order, into `totals` (a view of 2 · columns floats holding float64s, 8-byte aligned). */
  columnSums(x: Float32Array, totals: Float32Array, rows: number, columns: number): Float64Array;
  /** Layer normalisation per row of `features` values (a multiple of 4): y and stats ([mean, rstd] per row). */
  layerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, stats: Float32Array, rows: number, features: number, epsilon: number): void;
  /** Its gradient: dx, and dy · xhat per value (for dgamma's column sums). */
  layerNormGrad(dy: Float32Array, x: Float32Array, gamma: Float32Array, stats: Float32Array, dx: Float32Array, dyXhat: Float32Array, rows: number, features: number): void;
}

/** A workspace of views of `sizes` values each, or null when the module cannot run here. The views stay valid until the next `simdWorkspace`. */
export function simdWorkspace(sizes: number[]): SimdWorkspace | null {
  if (workspaceInstance === undefined) workspaceInstance = newInstance();
  const target = workspaceInstance;
  if (target === null) return null;
  return {
    views: layOut(target, sizes),
    gemm: (a, b, c, m, k, n, aTransposed = false) => productRows(target, a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, aTransposed),
    softmax: (s, rows, columns) => target.softmax(s.byteOffset, rows, columns),
    softmaxGrad: (p, d, rows, columns, scale) => target.softmaxGrad(p.byteOffset, d.byteOffset, rows, columns, scale),
    columnSums: (x, totals, rows, columns) => sumColumns(target, x, totals, rows, columns),
    layerNorm: (x, gamma, beta, y, stats, rows, features, epsilon) => target.layerNorm(x.byteOffset, gamma.byteOffset, beta.byteOffset, y.byteOffset, stats.byteOffset, rows, features, epsilon),
    layerNormGrad: (dy, x, gamma, stats, dx, dyXhat, rows, features) => target.layerNormGrad(dy.byteOffset, x.byteOffset, gamma.byteOffset, stats.byteOffset, dx.byteOffset, dyXhat.byteOffset, rows, features),
  };
}

/** The module's column sums of `x` into `totals` (zeroed first), returned as the float64 view of them. */
function sumColumns(target: SmallGemmExports, x: Float32Array, totals: Float32Array, rows: number, columns: number): Float64Array {
  const wide = new Float64Array(totals.buffer, totals.byteOffset, columns);
  wide.fill(0);
  target.columnSums(x.byteOffset, totals.byteOffset, rows, columns);
  return wide;
}

let sumsInstance: SmallGemmExports | null | undefined;

/**
 * Column sums of `rows x columns` float32 values (`columns` a multiple of 4) accumulated in
 * float64 in row order, as a plain loop does, into `out`: `x` is copied into the module and
 * summed two float64 lanes at a time. False when the module cannot run here (nothing written).
 */
export function columnSums(x: Float32Array, rows: number, columns: number, out: Float32Array): boolean {
  if (columns % 4 !== 0 || x.length !== rows * columns || out.length !== columns) return false;
  if (sumsInstance === undefined) sumsInstance = newInstance();
  const target = sumsInstance;
  if (target === null) return false;
  // Float64 totals first (8-byte aligned at offset 0), then x.
  const [totals, values] = layOut(target, [2 * columns, rows * columns]) as [Float32Array, Float32Array];
  values.set(x);
  out.set(sumColumns(target, values, totals, rows, columns));
  return true;
}

let updatesInstance: SmallGemmExports | null | undefined;

/** Adam's constants for `adamPairs`: β1, 1 - β1, β2, 1 - β2, factor, ε', weight decay, scale. */
export type AdamConstants = [number, number, number, number, number, number, number, number];

/**
 * Adam's update (the epsilonRoot = 0 form) for the first `2 · floor(n / 2)` values in Loom's SIMD
 * module, two float64 lanes at a time, bit-identical to the scalar loop: inputs are copied in
 * and `u`, `m1`, `v1` written. Returns how many values it did (0 when the module cannot run).
 */
export function adamPairs(g: Float32Array, m0: Float32Array, v0: Float32Array, p: Float32Array | null, u: Float32Array, m1: Float32Array, v1: Float32Array, constants: AdamConstants): number {
  const n = 2 * Math.floor(g.length / 2);
  if (n === 0) return 0;
  if (updatesInstance === undefined) updatesInstance = newInstance();
  const target = updatesInstance;
  if (target === null) return 0;
  const views = layOut(target, [n, n, n, p === null ? 0 : n, n, n, n]) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const [wg, wm0, wv0, wp, wu, wm1, wv1] = views;
  wg.set(g.subarray(0, n));
  wm0.set(m0.subarray(0, n));
  wv0.set(v0.subarray(0, n));
  if (p !== null) wp.set(p.subarray(0, n));
  target.adam(wg.byteOffset, wm0.byteOffset, wv0.byteOffset, wp.byteOffset, wu.byteOffset, wm1.byteOffset, wv1.byteOffset, n / 2, p === null ? 0 : 1, ...constants);
  u.set(wu);
  m1.set(wm1);
  v1.set(wv1);
  return n;
}
