// LoomLayerNorm, LoomAttention and LoomSoftmaxCrossEntropy against the composite tfjs-core ops
// they replace (the reference, written out here independently of the layers and losses
// packages), outputs and every gradient, on loom-wasm and on cpu (registerFusedKernels('cpu')),
// with masks, batch 1 and odd sizes; and by central finite differences. Tolerances: fused vs
// composite atol 2e-5 / rtol 1e-4 (float32, different summation order); finite differences
// (float32, step 1e-2 along a seeded direction) rtol 2e-2.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFiniteDifferences, onBothBackends, seededTensor, seededValues, useWasmBackend, withoutHeapAccess } from '../../test/wasm-test-helpers.js';
import { registerFusedKernels } from '../register-fused-kernels.js';

useWasmBackend();
beforeAll(() => {
  registerFusedKernels('cpu');
});

const TOLERANCE = { rtol: 1e-4, atol: 2e-5 };

function run(name: string, inputs: Record<string, tf.Tensor | undefined>, attrs: Record<string, unknown> = {}): tf.Tensor[] {
  const defined = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined)) as tf.NamedTensorMap;
  const out = tf.engine().runKernel(name, defined, attrs as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}

function compositeLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

describe('LoomLayerNorm', () => {
  // Feature counts that are multiples of 4 run in Loom's SIMD module on loom-wasm.
  const cases: number[][] = [[1, 1], [1, 7], [3, 5, 9], [2, 4, 3, 33], [1, 4], [3, 5, 8], [2, 7, 32]];
  it.each(cases.map((s) => [s]))('matches the composite ops, output and dx/dgamma/dbeta, shape %j', async (shape) => {
    const features = shape[shape.length - 1]!;
    const { wasm, cpu } = await onBothBackends(() => {
      const x = tf.add(tf.mul(seededTensor(shape, 1), 3), 0.5);
      const gamma = seededTensor([features], 2);
      const beta = seededTensor([features], 3);
      const weights = seededTensor(shape, 4);
      const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => run('LoomLayerNorm', { x: a, gamma: g, beta: b }, { epsilon: 1e-3 })[0]!;
      const composite = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => compositeLayerNorm(a, g, b, 1e-3);
      const loss = (fn: typeof fused) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(a, g, b), weights)) as tf.Scalar;
      const fusedOut = [fused(x, gamma, beta), ...tf.grads(loss(fused))([x, gamma, beta])];
      const compositeOut = [composite(x, gamma, beta), ...tf.grads(loss(composite))([x, gamma, beta])];
      if (features > 1) checkFiniteDifferences(loss(fused), [x, gamma, beta], 11);
      return [...fusedOut, ...compositeOut];
    });
    for (const values of [wasm, cpu]) for (let i = 0; i < 4; i++) expectTensorsClose(values[i]!, values[i + 4]!, TOLERANCE);
    wasm.forEach((values, i) => expectTensorsClose(values, cpu[i]!, TOLERANCE));
  });

  it('gives the same bits in place on the heap and through copies into the module (output and dx/dgamma/dbeta)', async () => {
    await tf.setBackend('loom-wasm');
    const shape = [3, 70, 8]; // 210 rows: past the helper split's 64 (one thread here)
    const compute = () =>
      tf.tidy(() => {
        const x = tf.add(tf.mul(seededTensor(shape, 1), 3), 0.5);
        const gamma = seededTensor([8], 2);
        const beta = seededTensor([8], 3);
        const weights = seededTensor(shape, 4);
        const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(run('LoomLayerNorm', { x: a, gamma: g, beta: b }, { epsilon: 1e-3 })[0]!, weights)) as tf.Scalar;
        return [run('LoomLayerNorm', { x, gamma, beta }, { epsilon: 1e-3 })[0]!, ...tf.grads(loss)([x, gamma, beta])].map((t) => Array.from(t.dataSync()));
      });
    const inPlace = compute();
    expect(await withoutHeapAccess(compute)).toEqual(inPlace);
  });

  it('names a gamma of the wrong size', async () => {
    await tf.setBackend('loom-wasm');
    tf.tidy(() => {
      expect(() => run('LoomLayerNorm', { x: tf.zeros([2, 3]), gamma: tf.ones([4]), beta: tf.zeros([3]) }, { epsilon: 1e-3 })).toThrow(
        'Invalid value for `gamma` in kernel LoomLayerNorm. Expected shape [3]. Received: [4].',
      );
    });
  });
});

/** The composite path's attention (as @loom-ml/layers' attention-math: -1e9 per excluding mask, added in float32). */
function compositeAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor | undefined, heads: number, causal: boolean, scale: number): tf.Tensor {
  const [bh, queryTime] = q.shape as number[];
  const keyTime = k.shape[1]!;
  const batch = bh! / heads;
  let scores: tf.Tensor = tf.reshape(tf.mul(tf.matMul(q as tf.Tensor3D, k as tf.Tensor3D, false, true), scale), [batch, heads, queryTime!, keyTime]);
  let bias: tf.Tensor | null = causal ? tf.reshape(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([queryTime!, keyTime]), -1, keyTime - queryTime!)), -1e9), [1, 1, queryTime!, keyTime]) : null;
  if (mask !== undefined) {
    const padding = tf.mul(tf.sub(1, tf.expandDims(mask, 1)), -1e9);
    bias = bias === null ? padding : tf.add(bias, padding);
  }
  if (bias !== null) scores = tf.add(scores, bias);
  return tf.matMul(tf.reshape(tf.softmax(scores), [bh!, queryTime!, keyTime]) as tf.Tensor3D, v as tf.Tensor3D);
}

describe('LoomAttention', () => {
  // [batch, heads, queryTime, keyTime, keyDim, valueDim, mask, causal]
  type Case = [number, number, number, number, number, number, 'none' | 'padding' | 'rows' | 'front', boolean];
  const cases: Case[] = [
    [1, 1, 1, 1, 1, 1, 'none', false],
    [1, 2, 5, 5, 3, 3, 'none', true],
    [3, 2, 7, 7, 5, 5, 'padding', false],
    [2, 3, 6, 6, 4, 4, 'padding', true],
    [2, 1, 5, 5, 3, 3, 'front', true],
    [3, 2, 4, 4, 3, 3, 'rows', false],
    [2, 2, 3, 8, 3, 5, 'none', true],
    [2, 2, 40, 40, 16, 16, 'padding', true],
    // Key time, key and value sizes multiples of 4: loom-wasm runs each head in its SIMD module
    // (cpu keeps the JavaScript loops), with every mask kind, odd query times and batch 1.
    [2, 1, 6, 8, 4, 4, 'front', true],
    [3, 2, 5, 12, 8, 4, 'rows', false],
    [1, 2, 9, 4, 4, 12, 'none', false],
    [1, 1, 1, 4, 4, 4, 'none', true],
  ];
  it.each(cases)('matches the composite ops, output and dq/dk/dv: batch %i, heads %i, queryTime %i, keyTime %i, keyDim %i, valueDim %i, mask %s, causal %s', async (batch, heads, queryTime, keyTime, keyDim, valueDim, maskKind, causal) => {
    const { wasm, cpu } = await onBothBackends(() => {
      const bh = batch * heads;
      const q = tf.mul(seededTensor([bh, queryTime, keyDim], 1), 2);
      const k = tf.mul(seededTensor([bh, keyTime, keyDim], 2), 2);
      const v = seededTensor([bh, keyTime, valueDim], 3);
      let mask: tf.Tensor | undefined;
      if (maskKind === 'padding') mask = tf.reshape(tf.cast(tf.greater(seededTensor([batch, keyTime], 4), -0.4), 'float32'), [batch, 1, keyTime]);
      // Front padding with a causal mask: the first query steps have no allowed key at all.
      if (maskKind === 'front') mask = tf.reshape(tf.cast(tf.greaterEqual(tf.range(0, keyTime), tf.reshape(tf.tensor1d([0, 2]), [2, 1])), 'float32'), [batch, 1, keyTime]);
      if (maskKind === 'rows') mask = tf.cast(tf.greater(seededTensor([1, queryTime, keyTime], 5), -0.5), 'float32');
      const scale = 1 / Math.sqrt(keyDim);
      const weights = seededTensor([bh, queryTime, valueDim], 6);
      // A query row with no allowed key gets what the composite gives (uniform weights over the
      // -1e9 scores), whose gradient is not the float32 function's (the rounding erases the
      // scores): finite differences see only the rows with an allowed key.
      const band = causal ? tf.linalg.bandPart(tf.ones([queryTime, keyTime]), -1, keyTime - queryTime) : tf.ones([queryTime, keyTime]);
      const allowed = tf.broadcastTo(mask === undefined ? band : tf.mul(mask, band), [batch, queryTime, keyTime]);
      const rowHasKey = tf.cast(tf.greater(tf.max(allowed, -1), 0), 'float32');
      const rowWeights = tf.reshape(tf.broadcastTo(tf.reshape(rowHasKey, [batch, 1, queryTime, 1]), [batch, heads, queryTime, 1]), [bh, queryTime, 1]);
      const weightsFd = tf.mul(weights, rowWeights);
      const fused = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => run('LoomAttention', { query: a, key: b, value: c, mask }, { numHeads: heads, scale, causal })[0]!;
      const composite = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => compositeAttention(a, b, c, mask, heads, causal, scale);
      const loss = (fn: typeof fused) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(fn(a, b, c), weights)) as tf.Scalar;
      if (queryTime < 10) checkFiniteDifferences((a, b, c) => tf.sum(tf.mul(fused(a, b, c), weightsFd)) as tf.Scalar, [q, k, v], 21);
      return [fused(q, k, v), ...tf.grads(loss(fused))([q, k, v]), composite(q, k, v), ...tf.grads(loss(composite))([q, k, v])];
    });
    for (const values of [wasm, cpu]) for (let i = 0; i < 4; i++) expectTensorsClose(values[i]!, values[i + 4]!, TOLERANCE);
    wasm.forEach((values, i) => expectTensorsClose(values, cpu[i]!, TOLERANCE));
  });

  it('names a mask of the wrong shape', async () => {
    await tf.setBackend('loom-wasm');
    tf.tidy(() => {
      const q = tf.zeros([4, 3, 2]);
      expect(() => run('LoomAttention', { query: q, key: q, value: q, mask: tf.ones([3, 1, 3]) }, { numHeads: 2, scale: 1, causal: false })).toThrow(
        'Invalid value for `mask` in kernel LoomAttention. Expected shape [2 | 1, 3 | 1, 3]. Received: [3,1,3].',
      );
    });
  });
});

describe('LoomSoftmaxCrossEntropy', () => {
  // [rows, classes, labels]
  const cases: [number, number, 'sparse' | 'onehot' | 'soft'][] = [
    [1, 1, 'sparse'],
    [1, 2, 'onehot'],
    [5, 3, 'sparse'],
    [7, 11, 'onehot'],
    [4, 9, 'soft'],
    [33, 1000, 'sparse'],
  ];
  it.each(cases)('matches -Σ labels · logSoftmax(logits), loss, dlogits and dlabels: rows %i, classes %i, %s labels', async (rows, classes, kind) => {
    const { wasm, cpu } = await onBothBackends(() => {
      const logits = tf.mul(seededTensor([rows, classes], 1), 4);
      const indices = tf.tensor1d(Array.from(seededValues(rows, 2), (u) => Math.min(classes - 1, Math.floor(((u + 1) / 2) * classes))), 'float32');
      const dense = kind === 'soft' ? tf.abs(seededTensor([rows, classes], 3)) : classes === 1 ? tf.ones([rows, 1]) : tf.cast(tf.oneHot(tf.cast(indices, 'int32'), classes), 'float32');
      const labels = kind === 'sparse' ? indices : dense;
      const weights = seededTensor([rows], 4);
      const fused = (z: tf.Tensor) => run('LoomSoftmaxCrossEntropy', { logits: z, labels })[0]!;
      // log softmax as z - logSumExp(z) (tf.logSoftmax is a custom-gradient op whose saved clone
      // trips tfjs' kernel leak check on the wasm backend under IS_TEST).
      const logSoftmax = (z: tf.Tensor) => tf.sub(z, tf.logSumExp(z, -1, true));
      const composite = (z: tf.Tensor) => tf.neg(tf.sum(tf.mul(dense, logSoftmax(z)), -1));
      const loss = (fn: typeof fused) => (z: tf.Tensor) => tf.sum(tf.mul(fn(z), weights)) as tf.Scalar;
      if (classes > 1) checkFiniteDifferences(loss(fused), [logits], 31);
      const dLabels = kind === 'sparse' ? [] : tf.grads((y: tf.Tensor) => tf.sum(tf.mul(run('LoomSoftmaxCrossEntropy', { logits, labels: y })[0]!, weights)) as tf.Scalar)([dense]);
      const logProbabilities = logSoftmax(logits);
      const dLabelsComposite = kind === 'sparse' ? [] : tf.grads((y: tf.Tensor) => tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(y, logProbabilities), -1)), weights)) as tf.Scalar)([dense]);
      return [fused(logits), ...tf.grads(loss(fused))([logits]), ...dLabels, composite(logits), ...tf.grads(loss(composite))([logits]), ...dLabelsComposite];
    });
    const half = wasm.length / 2;
    for (const values of [wasm, cpu]) for (let i = 0; i < half; i++) expectTensorsClose(values[i]!, values[i + half]!, TOLERANCE);
    wasm.forEach((values, i) => expectTensorsClose(values, cpu[i]!, TOLERANCE));
  });

  it('names a class index out of range', async () => {
    await tf.setBackend('loom-wasm');
    tf.tidy(() => {
      expect(() => run('LoomSoftmaxCrossEntropy', { logits: tf.zeros([2, 3]), labels: tf.tensor1d([1, 3]) })).toThrow(
        'Invalid value for `labels` in kernel LoomSoftmaxCrossEntropy. Expected class indices in [0, 3). Received: "3 at row 1".',
      );
    });
  });
});

describe('fused attention and normalisation kernels', () => {
  it('are registered with their gradients by initWasm, and leak no tensor over repeated training steps', async () => {
    for (const name of ['LoomLayerNorm', 'LoomAttention', 'LoomSoftmaxCrossEntropy']) {
      expect(tf.getKernel(name, 'loom-wasm')).toBeDefined();
      expect(tf.getKernel(`${name}Grad`, 'loom-wasm')).toBeDefined();
      expect(tf.getGradient(name)).toBeDefined();
    }
    await tf.setBackend('loom-wasm');
    const q = tf.variable(seededTensor([4, 5, 3], 1));
    const gamma = tf.variable(tf.ones([3]));
    const beta = tf.variable(tf.zeros([3]));
    const labels = tf.tensor1d([0, 1, 2, 0, 1]);
    const mask = tf.ones([2, 1, 5]);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => {
        const normed = run('LoomLayerNorm', { x: q, gamma, beta }, { epsilon: 1e-3 })[0]!;
        const attended = run('LoomAttention', { query: normed, key: normed, value: normed, mask }, { numHeads: 2, scale: 0.5, causal: true })[0]!;
        const logits = tf.reshape(tf.slice(attended, [0, 0, 0], [1, 5, 3]), [5, 3]);
        return tf.mean(run('LoomSoftmaxCrossEntropy', { logits, labels })[0]!) as tf.Scalar;
      });
      tf.dispose([value, grads]);
    };
    step();
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 200; i++) step();
    });
    tf.dispose([q, gamma, beta, labels, mask]);
  });
});
