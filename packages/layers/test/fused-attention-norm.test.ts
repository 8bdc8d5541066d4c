// LayerNormalization, MultiHeadAttention and the Transformer blocks on Loom's fused kernels
// (LoomLayerNorm, LoomAttention from @loom-ml/wasm) against their composite tfjs-core ops (the
// reference, useFusedKernels(false)), on cpu and on loom-wasm: outputs and the gradients with
// respect to the input and every weight, with padding masks, causal masks, explicit attention
// masks, batch 1 and odd sizes (rtol 1e-4, atol 2e-5); by finite differences; the kernels
// really run; and a flat tensor count over 1,000 training steps.
import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectTensorsClose } from '@loom-ml/test-utils';
import { LOOM_WASM_BACKEND } from '@loom-ml/wasm';
import { describe, expect, it } from 'vitest';
import { layerNormalization, multiHeadAttention, transformerDecoder, transformerEncoder, useFusedKernels, type Layer } from '../src/index.js';
import { useFusedKernelBackends } from './fused-kernel-setup.js';
import { seededValues } from './layer-cases.js';

useFusedKernelBackends();

const seeded = (seed: number) => ({ name: 'glorotUniform' as const, seed });
/** [batch, time, features] */
type Shape3 = [number, number, number];
interface Case {
  label: string;
  make: () => Layer;
  shapes: Shape3[];
  /** Call options for a given batch and time (masks). */
  options?: (batch: number, time: number) => Record<string, unknown>;
}

/** Row 0 padded at the end, row 1 at the front, row 2 in the middle, others real. */
function paddingMask(batch: number, time: number): tf.Tensor {
  const rows = [(t: number) => (t >= time - 2 ? 0 : 1), (t: number) => (t < 2 ? 0 : 1), (t: number) => (t === 1 ? 0 : 1), () => 1];
  return tf.tensor(Array.from({ length: batch * time }, (_, i) => rows[Math.floor(i / time) % rows.length]!(i % time)), [batch, time]);
}

const cases: Case[] = [
  { label: 'LayerNormalization', make: () => layerNormalization({ epsilon: 1e-3 }), shapes: [[1, 1, 3], [3, 7, 9], [2, 5, 1]] },
  { label: 'MultiHeadAttention', make: () => multiHeadAttention({ numHeads: 2, keyDim: 3, kernelInitializer: seeded(1) }), shapes: [[1, 1, 4], [3, 7, 5]] },
  {
    label: 'MultiHeadAttention, causal, padding mask',
    make: () => multiHeadAttention({ numHeads: 3, keyDim: 2, useCausalMask: true, kernelInitializer: seeded(2) }),
    shapes: [[1, 5, 4], [3, 6, 5]],
    options: (batch, time) => ({ mask: paddingMask(batch, time) }),
  },
  {
    label: 'MultiHeadAttention, attentionMask [batch, time, time] and padding',
    make: () => multiHeadAttention({ numHeads: 2, keyDim: 4, kernelInitializer: seeded(3) }),
    shapes: [[2, 5, 3]],
    options: (batch, time) => ({
      mask: paddingMask(batch, time),
      attentionMask: tf.tensor(Array.from({ length: batch * time * time }, (_, i) => (i % 3 === 2 ? 0 : 1)), [batch, time, time]),
    }),
  },
  {
    label: 'TransformerEncoder, padding mask',
    make: () => transformerEncoder({ numHeads: 2, feedForwardDim: 7, kernelInitializer: seeded(4) }),
    shapes: [[1, 1, 4], [3, 6, 6]],
    options: (batch, time) => ({ mask: paddingMask(batch, time) }),
  },
  {
    label: 'TransformerDecoder (pre-norm, causal), padding mask',
    make: () => transformerDecoder({ numHeads: 2, feedForwardDim: 5, kernelInitializer: seeded(5) }),
    shapes: [[1, 3, 4], [3, 5, 6]],
    options: (batch, time) => ({ mask: paddingMask(batch, time) }),
  },
];

/** The layer's output and the gradients of a fixed projection of it with respect to the input and every trainable weight. */
function outputsAndGradients(layer: Layer, values: Float32Array[], shape: Shape3, options: Case['options'], fused: boolean): Float32Array[] {
  const previous = useFusedKernels(fused);
  try {
    return tf.tidy(() => {
      layer.weights.forEach((w, i) => w.variable.assign(tf.tensor(values[i]!, w.variable.shape)));
      const [batch, time, features] = shape;
      const x = tf.mul(tf.tensor(seededValues(batch * time * features, 11), shape), 2);
      const callOptions = options?.(batch, time) ?? {};
      const y = layer.apply(x, callOptions);
      const r = tf.tensor(seededValues(y.size, 12), y.shape);
      const objective = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, callOptions), r)) as tf.Scalar;
      const dx = tf.grad(objective)(x);
      const { grads } = tf.variableGrads(() => objective(x), layer.trainableWeights);
      return [y, dx, ...layer.trainableWeights.map((v) => grads[v.name]!)].map((t) => Float32Array.from(t.dataSync()));
    });
  } finally {
    useFusedKernels(previous);
  }
}

describe.each([['cpu'], [LOOM_WASM_BACKEND]])('fused attention and layer normalisation on %s', (backend) => {
  it.each(cases)('$label matches the composite path, output and every gradient (rtol 1e-4, atol 2e-5)', async ({ make, shapes, options }) => {
    await tf.setBackend(backend);
    for (const shape of shapes) {
      const layer = make();
      const warm = tf.zeros(shape);
      layer.apply(warm).dispose();
      warm.dispose();
      const values = layer.weights.map((w) => w.variable.dataSync().slice() as Float32Array);
      const fused = outputsAndGradients(layer, values, shape, options, true);
      const composite = outputsAndGradients(layer, values, shape, options, false);
      expect(fused.length).toBe(composite.length);
      fused.forEach((actual, i) => expectTensorsClose(actual, composite[i]!, { rtol: 1e-4, atol: 2e-5 }));
      layer.dispose();
    }
  });

  it('runs LoomAttention and LoomLayerNorm (forward and gradient kernels) in a Transformer block, and none of them when switched off', async () => {
    await tf.setBackend(backend);
    const block = transformerEncoder({ numHeads: 2, feedForwardDim: 4, kernelInitializer: seeded(7) });
    const x = tf.tensor(seededValues(2 * 3 * 4, 13), [2, 3, 4]);
    block.apply(x).dispose();
    const kernels = async () => {
      const profile = await tf.profile(() => tf.tidy(() => tf.variableGrads(() => tf.sum(block.apply(x)) as tf.Scalar, block.trainableWeights).grads));
      tf.dispose(Object.values(profile.result as tf.NamedTensorMap));
      return profile.kernels.map((kernel) => kernel.name);
    };
    const fused = await kernels();
    expect(fused.filter((name) => name === 'LoomAttention')).toHaveLength(1);
    expect(fused.filter((name) => name === 'LoomAttentionGrad')).toHaveLength(1);
    expect(fused.filter((name) => name === 'LoomLayerNorm')).toHaveLength(2);
    expect(fused.filter((name) => name === 'LoomLayerNormGrad')).toHaveLength(2);
    expect(fused).not.toContain('Softmax');
    useFusedKernels(false);
    const composite = await kernels();
    useFusedKernels(true);
    expect(composite.filter((name) => name.startsWith('Loom'))).toEqual([]);
    tf.dispose(x);
    block.dispose();
  });
});

describe('fused attention and layer normalisation by finite differences (cpu, float32: epsilon 1e-2, rtol 2e-2, atol 2e-3)', () => {
  it('a causal MultiHeadAttention with a padding mask, then LayerNormalization', async () => {
    await tf.setBackend('cpu');
    const attention = multiHeadAttention({ numHeads: 2, keyDim: 3, useCausalMask: true, kernelInitializer: seeded(8) });
    const norm = layerNormalization();
    const x = tf.tensor(seededValues(2 * 4 * 5, 21), [2, 4, 5]);
    const mask = tf.tensor([1, 1, 1, 0, 1, 1, 0, 1], [2, 4]);
    norm.apply(attention.apply(x)).dispose();
    const r = tf.tensor(seededValues(2 * 4 * 5, 22), [2, 4, 5]);
    const result = checkGradients((input) => tf.sum(tf.mul(norm.apply(attention.apply(input!, { mask })), r)), [x]);
    expect(result.checked).toBeGreaterThan(10);
    tf.dispose([x, mask, r]);
    attention.dispose();
    norm.dispose();
  });
});

describe('fused Transformer training on loom-wasm', () => {
  it('keeps the tensor count flat over 1,000 steps', async () => {
    await tf.setBackend(LOOM_WASM_BACKEND);
    const block = transformerEncoder({ numHeads: 2, feedForwardDim: 3, kernelInitializer: seeded(9) });
    const x = tf.tensor(seededValues(2 * 3 * 4, 31), [2, 3, 4]);
    const mask = tf.tensor([1, 1, 0, 1, 1, 1], [2, 3]);
    block.apply(x).dispose();
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(block.apply(x, { mask }))) as tf.Scalar, block.trainableWeights);
        for (const v of block.trainableWeights) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.01)));
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask]);
    block.dispose();
  });
});
