// The fused attention, large Aᵀ·B products, the layer normalisation and the 2x2 max-pool gradient
// with the helper worker (loom-wasm with 2 threads: half of the heads, columns, rows or batch
// entries run in a worker): forward and gradients bit-identical to the same backend's single-threaded path
// (the helper stopped), and within float32 tolerance of the tfjs cpu backend's composite ops
// (rtol 1e-4, atol 2e-5), softmax cross-entropy rows too; odd head counts; no tensors leak; the worker source runs on its own.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededTensor } from '../../test/wasm-test-helpers.js';
import { initWasm, LOOM_WASM_BACKEND, type WasmBackendHandle } from '../init-wasm.js';
import { attentionHelperJobs, startAttentionHelper, stopAttentionHelper } from './attention-helper.js';

let handle: WasmBackendHandle | undefined;
beforeAll(async () => {
  handle = await initWasm({ threads: 2, setActive: false });
});
afterAll(async () => {
  await handle?.dispose();
  await tf.setBackend('cpu');
});

/**
 * Runs `compute` with the helper worker (checking that it took `jobs` jobs) and again with the
 * helper stopped (the single-threaded path); the helper runs again afterwards.
 */
async function withAndWithoutHelper<T>(compute: () => T | Promise<T>, jobs: number): Promise<{ split: T; single: T }> {
  const before = attentionHelperJobs();
  const split = await compute();
  expect(attentionHelperJobs() - before).toBe(jobs);
  stopAttentionHelper();
  const single = await compute();
  expect(await startAttentionHelper(true)).toBe(true);
  return { split, single };
}

/**
 * Runs `compute` with and without the helper (`jobs` jobs, as in withAndWithoutHelper) and
 * `reference` on the cpu backend, then expects every output of the two loom-wasm runs to be
 * bit-identical and within `tolerance` of cpu ('exact': equal to it).
 */
async function expectSplitLikeSingleAndCpu(
  compute: () => Float32Array | Float32Array[],
  jobs: number,
  tolerance: { rtol: number; atol: number } | 'exact',
  reference: () => Float32Array | Float32Array[] = compute,
): Promise<void> {
  await tf.setBackend(LOOM_WASM_BACKEND);
  const { split, single } = await withAndWithoutHelper(compute, jobs);
  await tf.setBackend('cpu');
  const cpu = reference();
  await tf.setBackend(LOOM_WASM_BACKEND);
  const [splits, singles, cpus] = [split, single, cpu].map((outputs) => (Array.isArray(outputs) ? outputs : [outputs]));
  expect(splits!.length).toBe(cpus!.length);
  splits!.forEach((output, i) => {
    expect(Array.from(output)).toEqual(Array.from(singles![i]!));
    if (tolerance === 'exact') expect(Array.from(output)).toEqual(Array.from(cpus![i]!));
    else expectTensorsClose(output, cpus![i]!, tolerance);
  });
}

/** Output and dq, dk, dv of a weighted sum of the attention output, as plain arrays. */
function attentionAndGradients(shape: [number, number, number], heads: number): Float32Array[] {
  return tf.tidy(() => {
    const [q, k, v] = [1, 2, 3].map((seed) => seededTensor(shape, seed));
    const weights = seededTensor(shape, 4);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const [out] = tf.engine().runKernel('LoomAttention', { query: a, key: b, value: c }, { numHeads: heads, scale: 1 / Math.sqrt(shape[2]), causal: false }) as tf.Tensor[];
      return out as tf.Tensor;
    };
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), weights)) as tf.Scalar;
    return [f(q!, k!, v!), ...tf.grads(loss)([q!, k!, v!])].map((t) => Float32Array.from(t.dataSync()));
  });
}

function composite(shape: [number, number, number]): Float32Array[] {
  return tf.tidy(() => {
    const [q, k, v] = [1, 2, 3].map((seed) => seededTensor(shape, seed));
    const weights = seededTensor(shape, 4);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.matMul(tf.softmax(tf.mul(tf.matMul(a, b, false, true), 1 / Math.sqrt(shape[2]))), c);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), weights)) as tf.Scalar;
    return [f(q!, k!, v!), ...tf.grads(loss)([q!, k!, v!])].map((t) => Float32Array.from(t.dataSync()));
  });
}

describe('LoomAttention with a helper worker (2 threads)', () => {
  const cases: Array<{ shape: [number, number, number]; heads: number }> = [
    { shape: [4, 8, 4], heads: 2 },
    { shape: [6, 12, 8], heads: 3 },
    { shape: [3, 16, 4], heads: 1 },
    { shape: [2, 4, 4], heads: 2 },
  ];
  it.each(cases)('is bit-identical to the single-threaded path and close to cpu, $shape, $heads heads', async ({ shape, heads }) => {
    // Two forward passes (the output, and inside the loss) and the gradient each ran half of the
    // batch x heads entries in the worker.
    await expectSplitLikeSingleAndCpu(() => attentionAndGradients(shape, heads), 3, { rtol: 1e-4, atol: 2e-5 }, () => composite(shape));
  });

  it('does not leak tensors', async () => {
    await tf.setBackend(LOOM_WASM_BACKEND);
    attentionAndGradients([4, 8, 4], 2);
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 20; i++) attentionAndGradients([4, 8, 4], 2);
    });
  });
});

describe('Aᵀ·B weight-gradient products with the helper worker (2 threads)', () => {
  const cases: Array<{ k: number; m: number; n: number }> = [
    // From 2^26 multiply-adds (below, waking the worker costs more than it saves): an LSTM's
    // input weight gradient, and an odd number of rows (m) with k not a multiple of the slices.
    { k: 25600, m: 32, n: 128 },
    { k: 16411, m: 37, n: 112 },
  ];
  it.each(cases)('splits the rows, bit-identical to one thread and close to cpu, k $k m $m n $n', async ({ k, m, n }) => {
    const product = () => tf.tidy(() => Float32Array.from(tf.matMul(seededTensor([k, m], 5), seededTensor([k, n], 6), true, false).dataSync()));
    // cpu sums k float32 products in another order: 1e-6 * k absolute, as small-gemm.test.ts.
    await expectSplitLikeSingleAndCpu(product, 1, { rtol: 1e-4, atol: 1e-6 * k });
  });
});

describe('LoomLayerNorm with the helper worker (2 threads)', () => {
  it.each([[[8, 50, 32]], [[3, 67, 12]]])('splits the rows, bit-identical to one thread and close to cpu, x %j', async (shape) => {
    const features = shape[shape.length - 1]!;
    const run = () =>
      tf.tidy(() => {
        const x = tf.add(tf.mul(seededTensor(shape, 1), 3), 0.5);
        const gamma = seededTensor([features], 2);
        const beta = seededTensor([features], 3);
        const weights = seededTensor(shape, 4);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => (tf.engine().runKernel('LoomLayerNorm', { x: a, gamma: g, beta: b }, { epsilon: 1e-3 }) as tf.Tensor[])[0]!;
        const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), weights)) as tf.Scalar;
        return [f(x, gamma, beta), ...tf.grads(loss)([x, gamma, beta])].map((t) => Float32Array.from(t.dataSync()));
      });
    const composite = () =>
      tf.tidy(() => {
        const x = tf.add(tf.mul(seededTensor(shape, 1), 3), 0.5);
        const gamma = seededTensor([features], 2);
        const beta = seededTensor([features], 3);
        const weights = seededTensor(shape, 4);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, -1, true);
          return tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-3))), g), b);
        };
        const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), weights)) as tf.Scalar;
        return [f(x, gamma, beta), ...tf.grads(loss)([x, gamma, beta])].map((t) => Float32Array.from(t.dataSync()));
      });
    // Two forward passes (the output, and inside the loss) and the gradient.
    await expectSplitLikeSingleAndCpu(run, 3, { rtol: 1e-3, atol: 1e-4 }, composite);
  });
});

describe('MaxPoolGrad (2x2, stride 2) with the helper worker (2 threads)', () => {
  it.each([[[6, 26, 26, 16]], [[5, 11, 11, 8]]])('splits the batch, bit-identical to one thread and to cpu, x %j', async (shape) => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.relu(seededTensor(shape, 1));
        const dy = seededTensor(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid').shape, 2);
        return Float32Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid'), dy)))(x).dataSync());
      });
    await expectSplitLikeSingleAndCpu(run, 1, 'exact');
  });
});

describe('LoomAdamUpdate with the helper worker (2 threads)', () => {
  it('splits a large parameter, bit-identical to one thread and to the scalar loop (cpu), with and without weight decay', async () => {
    await import('../register-fused-kernels.js').then(({ registerFusedKernels }) => registerFusedKernels('cpu'));
    for (const weightDecay of [0, 0.1]) {
      const attrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, epsilonRoot: 0, correction1: 0.19, correction2: 0.0199, weightDecay, scale: -0.003 };
      const size = (1 << 20) + 3; // odd: the last value goes through the scalar loop; from 2^20 values the helper takes half
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const inputs = { grad: seededTensor([size], 1), mu: tf.mul(seededTensor([size], 2), 0.1), nu: tf.abs(tf.mul(seededTensor([size], 3), 0.01)), param: seededTensor([size], 4) };
          return (tf.engine().runKernel('LoomAdamUpdate', inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
        });
      };
      const { split, single } = await withAndWithoutHelper(() => run(LOOM_WASM_BACKEND), 1);
      const cpu = await run('cpu');
      expect(split).toEqual(single);
      expect(split).toEqual(cpu);
    }
  });
});

describe('Embedding gradients (UnsortedSegmentSum) with the helper worker (2 threads)', () => {
  it('splits the segments, bit-identical to one thread and to cpu, repeated ids included (lookups are not split)', async () => {
    const run = () =>
      tf.tidy(() => {
        // 100 rows: the cpu reference's segment sum costs rows x ids x 32.
        const table = seededTensor([100, 32], 1);
        // 4,000 ids with many repeats (each segment's sum has 40 terms, in index order).
        const ids = tf.tensor1d(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 100), 'int32');
        const weights = seededTensor([4000, 32], 2);
        const rows = tf.gather(table, ids);
        const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
        return [rows, gradient].map((t) => Float32Array.from(t.dataSync()));
      });
    // The segment sum alone: the two gathers (the rows, and inside the loss) run here.
    await expectSplitLikeSingleAndCpu(run, 1, { rtol: 1e-5, atol: 1e-6 });
  });
});

describe('Conv2DBackpropFilter patches (a first conv layer) with the helper worker (2 threads)', () => {
  it.each([[{ x: [12, 28, 28, 1], filter: [3, 3, 1, 16], pad: 'valid' as const }], [{ x: [20, 20, 17, 2], filter: [2, 3, 2, 8], pad: 'same' as const }]])('splits the batch, bit-identical to one thread and close to cpu, %j', async (c) => {
    const run = () =>
      tf.tidy(() => {
        const x = seededTensor(c.x, 1);
        const filter = seededTensor(c.filter, 2);
        const dy = seededTensor(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, c.pad).shape, 3);
        return Float32Array.from(tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, c.pad), dy)))(filter).dataSync());
      });
    await expectSplitLikeSingleAndCpu(run, 1, { rtol: 1e-3, atol: 1e-3 });
  });
});

describe('LoomSoftmaxCrossEntropy with the helper worker (2 threads)', () => {
  it.each([[[256, 2048, true]], [[130, 512, false]]])('splits the rows, bit-identical to one thread and close to cpu, [rows, classes, class indices] %j', async ([rows, classes, sparse]) => {
    const labelsFor = () =>
      sparse
        ? tf.tensor1d(Array.from({ length: rows as number }, (_, r) => (r * 31) % (classes as number)), 'float32')
        : tf.softmax(tf.mul(seededTensor([rows as number, classes as number], 5), 3));
    const inputs = () => ({ logits: tf.mul(seededTensor([rows as number, classes as number], 1), 6), labels: labelsFor(), weights: seededTensor([rows as number], 2) });
    const run = () =>
      tf.tidy(() => {
        const { logits, labels, weights } = inputs();
        const loss = (z: tf.Tensor) => (tf.engine().runKernel('LoomSoftmaxCrossEntropy', { logits: z, labels }, {}) as tf.Tensor[])[0]!;
        const gradient = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(loss(z), weights)))(logits);
        return [loss(logits), gradient].map((t) => Float32Array.from(t.dataSync()));
      });
    const composite = () =>
      tf.tidy(() => {
        const { logits, labels, weights } = inputs();
        const targets = sparse ? tf.oneHot(tf.cast(labels, 'int32'), classes as number) : labels;
        const loss = (z: tf.Tensor) => tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(z)), -1));
        const gradient = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(loss(z), weights)))(logits);
        return [loss(logits), gradient].map((t) => Float32Array.from(t.dataSync()));
      });
    // Two forward passes (the loss, and inside the gradient's loss) and the gradient.
    await expectSplitLikeSingleAndCpu(run, 3, { rtol: 1e-4, atol: 2e-5 }, composite);
  });
});

describe('Conv2DBackpropFilter as patchesᵀ · dy with the helper worker (2 threads)', () => {
  it('splits the patches and the product once it is large enough (2^26 multiply-adds), close to cpu', async () => {
    // apps/mnist's second layer (16 -> 64 channels, 3 x 3, on 13 x 13) at batch 64: 71M multiply-adds.
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 16, 64] } as unknown as tf.NamedAttrMap;
    const run = () =>
      tf.tidy(() => {
        const x = seededTensor([64, 13, 13, 16], 1);
        const dy = seededTensor([64, 11, 11, 64], 2);
        return Float32Array.from((tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor).dataSync());
      });
    await tf.setBackend(LOOM_WASM_BACKEND);
    const before = attentionHelperJobs();
    const split = run();
    // Half of the batch entries' patches, then half of the rows of the product.
    expect(attentionHelperJobs() - before).toBe(2);
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend(LOOM_WASM_BACKEND);
    // Sums of 7,744 float32 products in another order: 1e-6 per term absolute, as the products above.
    expectTensorsClose(split, cpu, { rtol: 1e-4, atol: 1e-6 * 64 * 11 * 11 });
  });
});
