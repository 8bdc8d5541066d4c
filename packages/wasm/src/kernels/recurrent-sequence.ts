import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelHost, matMul, reshaped, type FusedKernelConfigs, type KernelHost } from './kernel-host.js';
import { stepProduct, type StepProduct } from './small-gemm.js';

/**
 * Shared parts of the whole-sequence recurrent kernels (LSTM, GRU, SimpleRNN).
 *
 * Contract (what `@loom-ml/layers` calls with `tf.engine().runKernel`):
 * - inputs: `projected` `[batch, time, gates * units]` (`x · kernel + bias` for every step),
 *   `recurrentKernel` `[units, gates * units]` (Keras gate order), GRU only `recurrentBias`
 *   `[gates * units]` (optional), and `mask` `[batch, time]` (optional; 0 = padding: the step
 *   keeps the previous state, as in Keras);
 * - attrs: `activation`, `recurrentActivation` (`'tanh' | 'sigmoid' | 'relu' | 'linear'`),
 *   `goBackwards`, `returnSequences`, `zeroOutputForMask` (masked steps output zeros instead
 *   of the previous output: Keras' choice inside Bidirectional);
 * - outputs: `y` (`[batch, time, units]` in processing order, or the last output
 *   `[batch, units]`) and a workspace `[time, batch, perStep]` the gradient reads.
 */
export interface RecurrentAttrs {
  activation: string;
  recurrentActivation: string;
  goBackwards: boolean;
  returnSequences: boolean;
  zeroOutputForMask: boolean;
}

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;
export const LINEAR = 0;
export const RELU = 1;
export const SIGMOID = 2;
export const TANH = 3;

export function activationCode(name: string, kernelName: string): number {
  const code = (ACTIVATIONS as readonly string[]).indexOf(name);
  if (code < 0) throw new Error(`Invalid value for \`activation\` in kernel ${kernelName}. Expected one of ${ACTIVATIONS.join(', ')}. Received: '${String(name)}'.`);
  return code;
}

const identity = (x: number): number => x;
const relu = (x: number): number => (x > 0 ? x : 0);
const ACTIVATION_FUNCTIONS: readonly ((x: number) => number)[] = [identity, relu, sigmoid, tanh];

/**
 * The activation for a code as a function, taken once per kernel call: the call through it in
 * the gate loop inlines, where a dispatch on the code for every value did not (on the LSTM
 * forward cell, 200 steps of 128 x 32 units: 68 ms with the dispatch, 29 ms without).
 */
export function activation(code: number): (x: number) => number {
  return ACTIVATION_FUNCTIONS[code] ?? identity;
}

/**
 * tanh for |x| <= 7.9 as a rational function (odd degree 13 over even degree 6, Eigen's float
 * coefficients), evaluated in float64: within 3e-8 absolute and 1.3e-7 relative of `Math.tanh`
 * (about one float32 ulp). `Math.tanh` (about 28 ns) and `Math.exp` (about 12 ns) are calls out
 * of the JIT's code; the LSTM cell needs five of them per unit and step. Outside the range (and
 * for NaN) the exact function.
 */
export function tanh(x: number): number {
  if (!(x >= -7.9 && x <= 7.9)) return Math.tanh(x);
  return tanhRational(x);
}

/**
 * The logistic sigmoid as `0.5 + 0.5·tanh(x / 2)` where that keeps float32 accuracy (within
 * 6e-7 relative for -4 <= x <= 15.8; below -4 the sum cancels, so there and outside the range
 * `1 / (1 + exp(-x))`).
 */
export function sigmoid(x: number): number {
  if (!(x >= -4 && x <= 15.8)) return 1 / (1 + Math.exp(-x));
  return 0.5 + 0.5 * tanhRational(0.5 * x);
}

function tanhRational(x: number): number {
  const x2 = x * x;
  const p =
    x *
    (4.89352455891786e-3 +
      x2 * (6.37261928875436e-4 + x2 * (1.48572235717979e-5 + x2 * (5.12229709037114e-8 + x2 * (-8.60467152213735e-11 + x2 * (2.00018790482477e-13 + x2 * -2.76076847742355e-16))))));
  const q = 4.89352518554385e-3 + x2 * (2.2684346324390e-3 + x2 * (1.18534705686654e-4 + x2 * 1.19825839466702e-6));
  return p / q;
}

const DERIVATIVES: readonly ((y: number) => number)[] = [() => 1, (y) => (y > 0 ? 1 : 0), (y) => y * (1 - y), (y) => 1 - y * y];

/** The activation's derivative from its output `y` (all four allow it), as a function (taken once per kernel call, as `activation`). */
export function activationDerivative(code: number): (y: number) => number {
  return DERIVATIVES[code] ?? (DERIVATIVES[LINEAR] as (y: number) => number);
}

/**
 * Gradients flowing back through many steps shrink geometrically; below float32's normal
 * range (1.2e-38) they become subnormal, and WebAssembly (IEEE, no flush-to-zero) runs the
 * next matrix products on subnormal inputs about 10x slower. Values this small cannot change
 * a float32 weight, so they are flushed to zero (as CPUs with FTZ/DAZ do).
 */
export function flush(value: number): number {
  return value > -1e-30 && value < 1e-30 ? 0 : value;
}

/** Sizes of one sequence and where each part of the workspace starts (struct of arrays, time-major). */
export interface SequenceLayout {
  batch: number;
  time: number;
  units: number;
  gates: number;
  width: number;
  /** Offsets in the workspace of h `[time, batch, units]`, c (LSTM), activated gates `[time, batch, width]`, extra `[time, batch, units]` (LSTM: act(c); GRU: h·U_h + b_h), mask `[time, batch]`. */
  h: number;
  c: number;
  g: number;
  extra: number;
  mask: number;
  perStep: number;
}

export function sequenceLayout(batch: number, time: number, units: number, gates: number, hasCell: boolean, hasExtra: boolean): SequenceLayout {
  const width = gates * units;
  const bu = batch * units;
  const h = 0;
  const c = h + time * bu;
  const g = c + (hasCell ? time * bu : 0);
  const extra = g + (gates > 1 ? time * batch * width : 0);
  const mask = extra + (hasExtra ? time * bu : 0);
  const total = mask + time * batch;
  return { batch, time, units, gates, width, h, c, g, extra, mask, perStep: total / (time * batch) };
}

export interface ForwardInputs {
  projected: TensorInfo;
  recurrentKernel: TensorInfo;
  recurrentBias?: TensorInfo;
  mask?: TensorInfo;
}

/** Shape checks at the top of every forward kernel. */
export function validateForward(kernelName: string, inputs: ForwardInputs, gates: number): { batch: number; time: number; units: number } {
  const { projected, recurrentKernel, recurrentBias, mask } = inputs;
  const fail = (what: string, expected: string, received: unknown) =>
    new Error(`Invalid value for \`${what}\` in kernel ${kernelName}. Expected ${expected}. Received: ${JSON.stringify(received)}.`);
  if (recurrentKernel.shape.length !== 2 || recurrentKernel.shape[1] !== gates * (recurrentKernel.shape[0] as number)) {
    throw fail('recurrentKernel', `shape [units, ${gates} * units]`, recurrentKernel.shape);
  }
  const units = recurrentKernel.shape[0] as number;
  if (projected.shape.length !== 3 || projected.shape[2] !== gates * units) throw fail('projected', `shape [batch, time, ${gates * units}]`, projected.shape);
  const [batch, time] = projected.shape as [number, number, number];
  if (time < 1 || batch < 1) throw fail('projected', 'at least one step and one sequence', projected.shape);
  if (recurrentBias !== undefined && (recurrentBias.shape.length !== 1 || recurrentBias.shape[0] !== gates * units)) throw fail('recurrentBias', `shape [${gates * units}]`, recurrentBias.shape);
  if (mask !== undefined && (mask.shape.length !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time)) throw fail('mask', `shape [${batch}, ${time}]`, mask.shape);
  for (const [name, info] of Object.entries(inputs)) {
    if (info !== undefined && info.dtype !== 'float32') throw fail(name, 'float32', info.dtype);
  }
  return { batch, time, units };
}

/** The per-step work of one cell type: fills the step's workspace and output from the recurrent product. */
export interface CellForward {
  (args: {
    layout: SequenceLayout;
    step: number;
    t: number;
    projected: Float32Array;
    recurrent: Float32Array;
    bias: Float32Array | null;
    workspace: Float32Array;
    y: Float32Array;
    mask: Float32Array | null;
    act: number;
    gate: number;
    attrs: RecurrentAttrs;
  }): void;
}

/**
 * Backward work of one step: from `dh` (and the cell's own `dc`), writes the recurrent
 * pre-activation gradient `dRecStep` `[batch, width]` (whose product with Uᵀ is added to `dh`
 * afterwards; zeros for a masked sequence), the projected input's gradient, and replaces `dh`
 * by its direct path to the previous state.
 */
export interface CellBackward {
  (args: {
    layout: SequenceLayout;
    step: number;
    t: number;
    workspace: Float32Array;
    dh: Float32Array;
    dc: Float32Array;
    dRecStep: Float32Array;
    dProjected: Float32Array;
    act: number;
    gate: number;
  }): void;
}

/** Runs a whole sequence: one recurrent matrix product per step, the cell's gate math in between. */
export function runForward(
  kernelName: string,
  backend: unknown,
  inputs: ForwardInputs,
  attrs: RecurrentAttrs,
  gates: number,
  hasCell: boolean,
  hasExtra: boolean,
  cell: CellForward,
): TensorInfo[] {
  const { batch, time, units } = validateForward(kernelName, inputs, gates);
  const act = activationCode(attrs.activation, kernelName);
  const gate = activationCode(attrs.recurrentActivation, kernelName);
  const host = kernelHost(backend, kernelName);
  const layout = sequenceLayout(batch, time, units, gates, hasCell, hasExtra);
  const workspace = host.alloc([time, batch, layout.perStep]);
  const y = host.alloc(attrs.returnSequences ? [batch, time, units] : [batch, units]);
  const bu = batch * units;
  // On wasm the per-step product h·U runs in Loom's own single-threaded SIMD module (see
  // small-gemm.ts); elsewhere (cpu, or when it cannot run) through the backend's BatchMatMul.
  const own = host.kind === 'wasm' ? stepProduct(batch, units, gates * units, host.f32(inputs.recurrentKernel)) : null;
  const hPrev = own === null ? host.alloc([1, batch, units]) : null;
  if (own !== null) own.a.fill(0);
  else host.f32(hPrev as TensorInfo).fill(0);
  const kernel3 = reshaped(inputs.recurrentKernel, [1, units, gates * units]);
  {
    // The mask, time-major, is kept in the workspace for the gradient (1 where absent).
    const ws = host.f32(workspace);
    if (inputs.mask === undefined) ws.fill(1, layout.mask, layout.mask + time * batch);
    else {
      const m = host.f32(inputs.mask);
      for (let step = 0; step < time; step++) {
        const t = attrs.goBackwards ? time - 1 - step : step;
        for (let b = 0; b < batch; b++) ws[layout.mask + step * batch + b] = m[b * time + t] as number;
      }
    }
  }
  for (let step = 0; step < time; step++) {
    const t = attrs.goBackwards ? time - 1 - step : step;
    let product: TensorInfo | null = null;
    if (own !== null) own.run();
    else product = matMul(host, hPrev as TensorInfo, kernel3);
    // Views are taken after the product: a kernel call may grow (and so detach) the heap.
    const ws = host.f32(workspace);
    cell({
      layout,
      step,
      t,
      projected: host.f32(inputs.projected),
      recurrent: product === null ? (own as StepProduct).out : host.f32(product),
      bias: inputs.recurrentBias === undefined ? null : host.f32(inputs.recurrentBias),
      workspace: ws,
      y: host.f32(y),
      mask: ws,
      act,
      gate,
      attrs,
    });
    const h = ws.subarray(layout.h + step * bu, layout.h + (step + 1) * bu);
    if (product !== null) {
      host.free(product);
      host.f32(hPrev as TensorInfo).set(h);
    } else (own as StepProduct).a.set(h);
  }
  if (!attrs.returnSequences) host.f32(y).set(host.f32(workspace).subarray(layout.h + (time - 1) * bu, layout.h + time * bu));
  if (hPrev !== null) host.free(hPrev);
  return [y, workspace];
}

export interface BackwardInputs {
  dy: TensorInfo;
  workspace: TensorInfo;
  recurrentKernel: TensorInfo;
}

/**
 * Backpropagation through time: walks the steps last to first, one product with Uᵀ per step,
 * then `dU = Σ h_{t-1}ᵀ dRec_t` as one product over all steps. Returns
 * `[dProjected, dRecurrentKernel, dRecurrentBias]`.
 *
 * Every step's `dRec` is kept as it is, rows of `dRecAll` `[time·batch, width]`, and
 * `dU = hPrevAllᵀ · dRecAll` is one `Aᵀ·B` product, which BatchMatMul runs in Loom's SIMD module
 * in place on the heap on loom-wasm (half of its rows in the helper worker when large). Through
 * XNNPACK, which packs its second operand afresh on every call, this product was instead taken as
 * `dUᵀ = dRecT · hPrevAll` over a transposed copy: 7.7 ms for it plus the per-step transposed
 * writes, against 4.3 ms (the 128 x 200 x 32-unit LSTM, 2 threads, 2026-12-04).
 */
export function runBackward(kernelName: string, backend: unknown, inputs: BackwardInputs, attrs: RecurrentAttrs, gates: number, hasCell: boolean, hasExtra: boolean, cell: CellBackward): TensorInfo[] {
  const { dy, workspace, recurrentKernel } = inputs;
  const [time, batch] = workspace.shape as [number, number, number];
  const units = recurrentKernel.shape[0] as number;
  const width = gates * units;
  const expectedDy = attrs.returnSequences ? [batch, time, units] : [batch, units];
  if (!tf.util.arraysEqual(dy.shape, expectedDy)) {
    throw new Error(`Invalid value for \`dy\` in kernel ${kernelName}. Expected shape ${JSON.stringify(expectedDy)}. Received: ${JSON.stringify(dy.shape)}.`);
  }
  const act = activationCode(attrs.activation, kernelName);
  const gate = activationCode(attrs.recurrentActivation, kernelName);
  const host = kernelHost(backend, kernelName);
  const layout = sequenceLayout(batch, time, units, gates, hasCell, hasExtra);
  const bu = batch * units;
  const transposed = host.run('Transpose', { x: recurrentKernel }, { perm: [1, 0] });
  const transposed3 = reshaped(transposed, [1, width, units]);
  const dProjected = host.alloc([batch, time, width]);
  const rows = time * batch;
  const dRecAll = host.alloc([1, rows, width]);
  // On wasm, dRec·Uᵀ runs in Loom's own SIMD module, and the cells write dRec straight into its memory.
  const own = host.kind === 'wasm' ? stepProduct(batch, width, units, host.f32(transposed)) : null;
  const dRecStep = host.alloc([1, batch, width]);
  const dh = new Float32Array(bu);
  const dc = new Float32Array(hasCell ? bu : 0);
  if (!attrs.returnSequences) dh.set(host.f32(dy));
  for (let step = time - 1; step >= 0; step--) {
    const t = attrs.goBackwards ? time - 1 - step : step;
    const ws = host.f32(workspace);
    if (attrs.returnSequences) {
      const dyv = host.f32(dy);
      for (let b = 0; b < batch; b++) {
        if (attrs.zeroOutputForMask && ws[layout.mask + step * batch + b] === 0) continue;
        const from = (b * time + step) * units;
        const to = b * units;
        for (let j = 0; j < units; j++) dh[to + j] = (dh[to + j] as number) + (dyv[from + j] as number);
      }
    }
    const dRec = own === null ? host.f32(dRecStep) : own.a;
    cell({ layout, step, t, workspace: ws, dh, dc, dRecStep: dRec, dProjected: host.f32(dProjected), act, gate });
    host.f32(dRecAll).set(dRec.subarray(0, batch * width), step * batch * width);
    if (step > 0 && own !== null) {
      own.run();
      const p = own.out;
      for (let i = 0; i < bu; i++) dh[i] = flush((dh[i] as number) + (p[i] as number));
    } else if (step > 0) {
      const product = matMul(host, dRecStep, transposed3);
      const p = host.f32(product);
      for (let i = 0; i < bu; i++) dh[i] = flush((dh[i] as number) + (p[i] as number));
      host.free(product);
    }
  }
  // h_{t-1} for every step (zeros before the first), time-major, for dU in one product.
  const hPrevAll = host.alloc([1, rows, units]);
  {
    const target = host.f32(hPrevAll);
    const ws = host.f32(workspace);
    target.fill(0, 0, bu);
    target.set(ws.subarray(layout.h, layout.h + (time - 1) * bu), bu);
  }
  const dKernelAll = host.run('BatchMatMul', { a: hPrevAll, b: dRecAll }, { transposeA: true, transposeB: false });
  const dKernel = reshaped(dKernelAll, [units, width]);
  const outputs: TensorInfo[] = [dProjected, dKernel];
  if (gates === 3) {
    // GRU: the recurrent bias sits inside the reset gate's product, so it has its own gradient.
    const dBias = host.alloc([width]);
    // Float64 column sums in row order, as before (the same values, bit for bit).
    const sums = new Float64Array(width);
    const d = host.f32(dRecAll);
    for (let row = 0; row < rows; row++) {
      const offset = row * width;
      for (let j = 0; j < width; j++) sums[j] = (sums[j] as number) + (d[offset + j] as number);
    }
    host.f32(dBias).set(sums);
    outputs.push(dBias);
  }
  for (const info of [transposed, dRecAll, dRecStep, hPrevAll]) host.free(info);
  return outputs;
}

/** Everything one recurrent cell type registers: the forward kernel, its gradient kernel, and the gradient config linking them. */
export function recurrentKernelConfigs(
  kernelName: string,
  gates: number,
  hasCell: boolean,
  hasExtra: boolean,
  forward: CellForward,
  backward: CellBackward,
): FusedKernelConfigs {
  const gradName = `${kernelName}Grad`;
  return {
    forward: {
      kernelName,
      kernelFunc: ({ inputs, backend, attrs }) => runForward(kernelName, backend, inputs as unknown as ForwardInputs, attrs as unknown as RecurrentAttrs, gates, hasCell, hasExtra, forward),
    },
    backward: {
      kernelName: gradName,
      kernelFunc: ({ inputs, backend, attrs }) => runBackward(gradName, backend, inputs as unknown as BackwardInputs, attrs as unknown as RecurrentAttrs, gates, hasCell, hasExtra, backward),
    },
    gradient: {
      kernelName,
      inputsToSave: ['recurrentKernel'],
      outputsToSave: [false, true],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
        const dY = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
        const [recurrentKernel, workspace] = saved as [tf.Tensor, tf.Tensor];
        const [time, batch] = workspace.shape;
        const grads = tf.engine().runKernel(gradName, { dy: dY, workspace, recurrentKernel }, attrs) as tf.Tensor[];
        const [dProjected, dKernel, dBias] = grads as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        return {
          projected: () => dProjected,
          recurrentKernel: () => dKernel,
          recurrentBias: () => dBias ?? tf.zeros([gates * (recurrentKernel.shape[0] as number)]),
          mask: () => tf.zeros([batch as number, time as number]),
        };
      },
    },
  };
}

export type { KernelHost };
