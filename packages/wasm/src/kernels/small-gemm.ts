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

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(value: number): number[] {
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

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

// Instructions.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a];
const sub = [0x6b];
const mul = [0x6c];
const shl = [0x74];
const geU = [0x4f];
const gtU = [0x4b];
const eqz = [0x45];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const br = (depth: number) => [0x0c, ...uleb(depth)];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];
const f32Load = [0x2a, 2, 0];
const simd = (op: number, ...rest: number[]) => [0xfd, ...uleb(op), ...rest];
const v128Load = (offset: number) => simd(0x00, 0, ...uleb(offset));
const v128Store = (offset: number) => simd(0x0b, 0, ...uleb(offset));
const v128Zero = simd(0x0c, ...new Array<number>(16).fill(0));
const f32x4Splat = simd(0x13);
const f32x4Add = simd(0xe4);
const f32x4Mul = simd(0xe6);

// Parameters 0-5: a, b, c (byte offsets), m, k, n. Locals after them.
const [A, B, C, M, K, N] = [0, 1, 2, 3, 4, 5];
const [ROW, COL, PA, PB, P, NB, CROW, AROW] = [6, 7, 8, 9, 10, 11, 12, 13];
const ACC = [14, 15, 16, 17];
const AV = 18;

/** `columns` accumulators (1 or 4 vectors) for row ROW starting at byte column COL: the inner product over k. */
function columnBlock(vectors: number): number[] {
  const code: number[] = [];
  for (let q = 0; q < vectors; q++) code.push(...v128Zero, ...set(ACC[q] as number));
  code.push(...get(AROW), ...set(PA), ...get(B), ...get(COL), ...add, ...set(PB), ...get(K), ...set(P));
  code.push(...block, ...loop);
  code.push(...get(P), ...eqz, ...brIf(1));
  code.push(...get(PA), ...f32Load, ...f32x4Splat, ...set(AV));
  for (let q = 0; q < vectors; q++) {
    code.push(...get(ACC[q] as number), ...get(AV), ...get(PB), ...v128Load(16 * q), ...f32x4Mul, ...f32x4Add, ...set(ACC[q] as number));
  }
  code.push(...get(PA), ...i32(4), ...add, ...set(PA));
  code.push(...get(PB), ...get(NB), ...add, ...set(PB));
  code.push(...get(P), ...i32(1), ...sub, ...set(P));
  code.push(...br(0), ...end, ...end);
  for (let q = 0; q < vectors; q++) code.push(...get(CROW), ...get(COL), ...add, ...get(ACC[q] as number), ...v128Store(16 * q));
  code.push(...get(COL), ...i32(16 * vectors), ...add, ...set(COL));
  return code;
}

function gemmBody(): number[] {
  const code: number[] = [];
  code.push(...get(N), ...i32(2), ...shl, ...set(NB));
  code.push(...i32(0), ...set(ROW));
  code.push(...block, ...loop);
  code.push(...get(ROW), ...get(M), ...geU, ...brIf(1));
  code.push(...get(A), ...get(ROW), ...get(K), ...mul, ...i32(2), ...shl, ...add, ...set(AROW));
  code.push(...get(C), ...get(ROW), ...get(NB), ...mul, ...add, ...set(CROW));
  code.push(...i32(0), ...set(COL));
  // 16 columns at a time while they fit, then 4 at a time.
  code.push(...block, ...loop, ...get(COL), ...i32(64), ...add, ...get(NB), ...gtU, ...brIf(1), ...columnBlock(4), ...br(0), ...end, ...end);
  code.push(...block, ...loop, ...get(COL), ...get(NB), ...geU, ...brIf(1), ...columnBlock(1), ...br(0), ...end, ...end);
  code.push(...get(ROW), ...i32(1), ...add, ...set(ROW));
  code.push(...br(0), ...end, ...end);
  code.push(...end);
  const locals = [...uleb(2), ...uleb(8), I32, ...uleb(5), V128];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/** The module's bytes (exported for the test that checks they validate). */
export function smallGemmModuleBytes(): Uint8Array {
  const type = [0x60, ...uleb(6), I32, I32, I32, I32, I32, I32, ...uleb(0)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(1), ...type]),
    ...section(3, [...uleb(1), ...uleb(0)]),
    ...section(5, [...uleb(1), 0x00, ...uleb(1)]),
    ...section(7, [...uleb(2), ...name('memory'), 0x02, ...uleb(0), ...name('gemm'), 0x00, ...uleb(0)]),
    ...section(10, [...uleb(1), ...gemmBody()]),
  ];
  return new Uint8Array(bytes);
}

interface Instance {
  memory: WebAssembly.Memory;
  gemm: (a: number, b: number, c: number, m: number, k: number, n: number) => void;
}

let instance: Instance | null | undefined;
// A second instance for BatchMatMul's products, so that growing its memory never detaches the
// views a live `stepProduct` of a recurrent kernel holds.
let batchInstance: Instance | null | undefined;

function newInstance(): Instance | null {
  try {
    // Synchronous: the module is under 1 KB (browsers allow synchronous compiles up to 4 KB).
    const module = new WebAssembly.Module(smallGemmModuleBytes() as BufferSource);
    const exports = new WebAssembly.Instance(module, {}).exports as unknown as Instance;
    return { memory: exports.memory, gemm: exports.gemm };
  } catch {
    return null; // No WebAssembly SIMD: the caller keeps the backend's BatchMatMul.
  }
}

/** `a`, `b` and `out` laid out one after another from offset 0 of `gemm`'s memory, grown to fit. */
function productViews(gemm: Instance, m: number, k: number, n: number): MatrixProduct {
  const bytes = 4 * (m * k + k * n + m * n);
  const needed = Math.ceil(bytes / 65536) - gemm.memory.buffer.byteLength / 65536;
  if (needed > 0) gemm.memory.grow(needed);
  const buffer = gemm.memory.buffer;
  const bOffset = 4 * m * k;
  const cOffset = bOffset + 4 * k * n;
  return {
    a: new Float32Array(buffer, 0, m * k),
    b: new Float32Array(buffer, bOffset, k * n),
    out: new Float32Array(buffer, cOffset, m * n),
    run: () => gemm.gemm(0, bOffset, cOffset, m, k, n),
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
  return { a: views.a, out: views.out, run: views.run };
}

/**
 * `out = a · b` for one `a` [m, k] and one `b` [k, n] at a time (BatchMatMul's batch entries):
 * write `a` and `b`, call `run()`, read `out`. The views stay valid until the next
 * `matrixProduct`. Null when the module cannot run here or `n` is not a multiple of 4.
 */
export interface MatrixProduct {
  a: Float32Array;
  b: Float32Array;
  out: Float32Array;
  run(): void;
}

export function matrixProduct(m: number, k: number, n: number): MatrixProduct | null {
  if (n % 4 !== 0) return null;
  if (batchInstance === undefined) batchInstance = newInstance();
  return batchInstance === null ? null : productViews(batchInstance, m, k, n);
}
