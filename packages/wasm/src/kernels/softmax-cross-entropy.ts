import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelHost, type FusedKernelConfigs } from './kernel-host.js';
import { softmaxCrossEntropySimd } from './softmax-cross-entropy-simd.js';

/**
 * Kernel name of the fused softmax cross-entropy from logits; its gradient kernel is
 * `LoomSoftmaxCrossEntropyGrad`.
 *
 * Contract (what `@loom-ml/losses` calls with `tf.engine().runKernel`):
 * - inputs: `logits` `[rows, classes]` float32 and `labels`, float32, either `[rows, classes]`
 *   (one-hot or soft targets) or `[rows]` (class indices, integers in [0, classes));
 * - outputs: `loss` `[rows]`, `-Σ_c labels_c · log softmax(logits)_c` (for indices,
 *   `-log softmax(logits)[label]`), and `logSumExp` `[rows]` that the gradient reads.
 * Its gradient is `dloss · (softmax(logits) · Σ_c labels_c - labels)` for the logits (one
 * kernel, no softmax tensor kept) and `-dloss · log softmax(logits)` for dense labels. Sums
 * are taken in float64, with the row maximum subtracted before exp (finite for any finite logits).
 * On loom-wasm, with a class count that is a multiple of 4, the exponentials run in Loom's SIMD
 * module (softmax-cross-entropy-simd.ts: Cephes' expf, about 1 ulp, float32 sums over 4 lanes),
 * half of the rows in the helper worker with 2+ threads.
 */
export const SOFTMAX_CROSS_ENTROPY = 'LoomSoftmaxCrossEntropy';
const SOFTMAX_CROSS_ENTROPY_GRAD = 'LoomSoftmaxCrossEntropyGrad';

function fail(kernelName: string, what: string, expected: string, received: unknown): Error {
  return new Error(`Invalid value for \`${what}\` in kernel ${kernelName}. Expected ${expected}. Received: ${JSON.stringify(received)}.`);
}

/** Rows, classes and whether the labels are indices; throws a named error for anything else. */
function checkInputs(kernelName: string, logits: TensorInfo, labels: TensorInfo): { rows: number; classes: number; sparse: boolean } {
  if (logits.shape.length !== 2) throw fail(kernelName, 'logits', 'shape [rows, classes]', logits.shape);
  const [rows, classes] = logits.shape as [number, number];
  const sparse = labels.shape.length === 1;
  if (sparse ? labels.shape[0] !== rows : !tf.util.arraysEqual(labels.shape, logits.shape)) {
    throw fail(kernelName, 'labels', `shape [${rows}] (class indices) or [${rows}, ${classes}]`, labels.shape);
  }
  if (logits.dtype !== 'float32') throw fail(kernelName, 'logits', 'float32', logits.dtype);
  if (labels.dtype !== 'float32') throw fail(kernelName, 'labels', 'float32', labels.dtype);
  return { rows, classes, sparse };
}

function labelIndex(kernelName: string, value: number, classes: number, row: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= classes) throw fail(kernelName, 'labels', `class indices in [0, ${classes})`, `${value} at row ${row}`);
  return value;
}

/** Checks every class index before any row is computed (the SIMD rows index with them unchecked). */
function checkLabelIndices(kernelName: string, labels: Float32Array, classes: number): void {
  for (let r = 0; r < labels.length; r++) labelIndex(kernelName, labels[r] as number, classes, r);
}

function forward({ inputs, backend }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo[] {
  const { logits, labels } = inputs as { logits: TensorInfo; labels: TensorInfo };
  const { rows, classes, sparse } = checkInputs(SOFTMAX_CROSS_ENTROPY, logits, labels);
  const host = kernelHost(backend, SOFTMAX_CROSS_ENTROPY);
  const loss = host.alloc([rows]);
  const lse = host.alloc([rows]);
  const z = host.f32(logits);
  const y = host.f32(labels);
  const out = host.f32(loss);
  const l = host.f32(lse);
  if (sparse) checkLabelIndices(SOFTMAX_CROSS_ENTROPY, y, classes);
  if (host.kind === 'wasm' && softmaxCrossEntropySimd('crossEntropy', [z, y, out, l], rows, classes, sparse)) return [loss, lse];
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if ((z[o + c] as number) > max) max = z[o + c] as number;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp((z[o + c] as number) - max);
    const logSumExp = max + Math.log(sum);
    let value = 0;
    if (sparse) value = logSumExp - (z[o + (y[r] as number)] as number); // indices checked above
    else {
      for (let c = 0; c < classes; c++) {
        const t = y[o + c] as number;
        if (t !== 0) value += t * (logSumExp - (z[o + c] as number));
      }
    }
    out[r] = value;
    l[r] = logSumExp;
  }
  return [loss, lse];
}

function backward({ inputs, backend }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo {
  const { dy, logits, labels, logSumExp } = inputs as { dy: TensorInfo; logits: TensorInfo; labels: TensorInfo; logSumExp: TensorInfo };
  const { rows, classes, sparse } = checkInputs(SOFTMAX_CROSS_ENTROPY_GRAD, logits, labels);
  if (dy.shape.length !== 1 || dy.shape[0] !== rows) throw fail(SOFTMAX_CROSS_ENTROPY_GRAD, 'dy', `shape [${rows}]`, dy.shape);
  const host = kernelHost(backend, SOFTMAX_CROSS_ENTROPY_GRAD);
  const dLogits = host.alloc([rows, classes]);
  const z = host.f32(logits);
  const y = host.f32(labels);
  const d = host.f32(dy);
  const l = host.f32(logSumExp);
  const dz = host.f32(dLogits);
  if (sparse) checkLabelIndices(SOFTMAX_CROSS_ENTROPY_GRAD, y, classes);
  if (host.kind === 'wasm' && softmaxCrossEntropySimd('crossEntropyGrad', [z, y, d, l, dz], rows, classes, sparse)) return dLogits;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    const g = d[r] as number;
    const logSum = l[r] as number;
    if (sparse) {
      for (let c = 0; c < classes; c++) dz[o + c] = g * Math.exp((z[o + c] as number) - logSum);
      const label = y[r] as number;
      dz[o + label] = (dz[o + label] as number) - g;
      continue;
    }
    let total = 0;
    for (let c = 0; c < classes; c++) total += y[o + c] as number;
    for (let c = 0; c < classes; c++) dz[o + c] = g * (Math.exp((z[o + c] as number) - logSum) * total - (y[o + c] as number));
  }
  return dLogits;
}

/** The fused softmax cross-entropy, its gradient kernel and the gradient config linking them (wasm and cpu). */
export const softmaxCrossEntropyConfigs: FusedKernelConfigs = {
  forward: { kernelName: SOFTMAX_CROSS_ENTROPY, kernelFunc: forward },
  backward: { kernelName: SOFTMAX_CROSS_ENTROPY_GRAD, kernelFunc: backward },
  gradient: {
    kernelName: SOFTMAX_CROSS_ENTROPY,
    inputsToSave: ['logits', 'labels'],
    outputsToSave: [false, true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], _attrs: NamedAttrMap) => {
      const dLoss = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
      const [logits, labels, logSumExp] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return {
        logits: () => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dLoss, logits, labels, logSumExp }, {}) as tf.Tensor,
        // Targets rarely need a gradient (the tape prunes this unless they are on the path).
        labels: () =>
          labels.rank === 1 ? tf.zerosLike(labels) : tf.mul(tf.neg(tf.expandDims(dLoss, 1)), tf.sub(logits, tf.expandDims(logSumExp, 1))),
      };
    },
  },
};
