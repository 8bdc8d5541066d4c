// The whole-sequence recurrent kernels (LoomLSTMSequence, LoomGRUSequence,
// LoomSimpleRNNSequence from @loom-ml/wasm) against the composite path they replace (per-step
// tfjs-core ops, the reference), on cpu and on loom-wasm: outputs and every gradient, with
// masks, goBackwards, returnSequences, Bidirectional, batch 1 and odd sizes; by finite
// differences; and with a flat tensor count over 1,000 training steps.
import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectTensorsClose } from '@loom-ml/test-utils';
import { LOOM_WASM_BACKEND } from '@loom-ml/wasm';
import { describe, expect, it } from 'vitest';
import { bidirectional, gru, lstm, simpleRnn, useFusedKernels, type Layer, type Recurrent } from '../src/index.js';
import { useFusedKernelBackends } from './fused-kernel-setup.js';
import { seededValues } from './layer-cases.js';

useFusedKernelBackends();

type Make = (extra: Record<string, unknown>) => Layer;
const init = (seed: number) => ({ kernelInitializer: { name: 'glorotUniform' as const, seed }, recurrentInitializer: { name: 'orthogonal' as const, seed: seed + 1 } });
const cells: { label: string; make: Make }[] = [
  { label: 'SimpleRNN', make: (extra) => simpleRnn({ units: 5, ...init(1), biasInitializer: { name: 'randomNormal', seed: 2, stddev: 0.3 }, ...extra }) },
  { label: 'LSTM', make: (extra) => lstm({ units: 5, ...init(3), ...extra }) },
  { label: 'GRU', make: (extra) => gru({ units: 5, ...init(5), biasInitializer: { name: 'randomNormal', seed: 9, stddev: 0.5 }, ...extra }) },
  { label: 'Bidirectional LSTM', make: (extra) => bidirectional({ layer: lstm({ units: 3, ...init(7), ...extra }) }) },
  { label: 'Bidirectional GRU', make: (extra) => bidirectional({ layer: gru({ units: 3, ...init(8), ...extra }) }) },
  // Units a multiple of 4: on loom-wasm both per-step products (h·U and dRec·Uᵀ) run in the
  // kernels' own SIMD module instead of BatchMatMul (the other cells keep BatchMatMul for one or both).
  { label: 'LSTM, 4 units', make: (extra) => lstm({ units: 4, ...init(13), ...extra }) },
  { label: 'GRU, 8 units', make: (extra) => gru({ units: 8, ...init(15), biasInitializer: { name: 'randomNormal', seed: 19, stddev: 0.5 }, ...extra }) },
];

/** [batch, time, features, masked]: batch 1, odd sizes, a mask with padding at the front, the end and in the middle. */
const shapes: [number, number, number, boolean][] = [
  [1, 1, 1, false],
  [3, 7, 5, false],
  [4, 6, 3, true],
  [1, 5, 2, true],
];

function maskValues(batch: number, time: number): number[] {
  // Row 0 padded at the front, row 1 at the end, row 2 in the middle, row 3 fully real.
  const rows = [(t: number) => (t < 2 ? 0 : 1), (t: number) => (t >= time - 2 ? 0 : 1), (t: number) => (t === 2 ? 0 : 1), () => 1];
  return Array.from({ length: batch * time }, (_, i) => rows[Math.floor(i / time) % rows.length]!(i % time));
}

/** The layer's output and the gradient of a fixed projection of it with respect to the input and every weight. */
function outputsAndGradients(layer: Layer, values: Float32Array[], shape: [number, number, number, boolean], fused: boolean): Float32Array[] {
  useFusedKernels(fused);
  try {
    return tf.tidy(() => {
      layer.weights.forEach((w, i) => w.variable.assign(tf.tensor(values[i]!, w.variable.shape)));
      const [batch, time, features, masked] = shape;
      const x = tf.tensor(seededValues(batch * time * features, 11), [batch, time, features]);
      const mask = masked ? tf.tensor(maskValues(batch, time), [batch, time]) : null;
      const y = layer.apply(x, { mask });
      const r = tf.tensor(seededValues(y.size, 12), y.shape);
      const objective = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { mask }), r)) as tf.Scalar;
      const dx = tf.grad(objective)(x);
      const { grads } = tf.variableGrads(() => objective(x), layer.trainableWeights);
      return [y, dx, ...layer.trainableWeights.map((v) => grads[v.name]!)].map((t) => Float32Array.from(t.dataSync()));
    });
  } finally {
    useFusedKernels(true);
  }
}

describe.each([['cpu'], [LOOM_WASM_BACKEND]])('fused recurrent kernels on %s', (backend) => {
  describe.each(cells)('$label', ({ make }) => {
    const flags = [
      { returnSequences: false, goBackwards: false },
      { returnSequences: true, goBackwards: false },
      { returnSequences: true, goBackwards: true },
      { returnSequences: false, goBackwards: true },
    ];
    it.each(flags)('matches the composite path, outputs and gradients (rtol 1e-4, atol 1e-5): %j', async (flag) => {
      await tf.setBackend(backend);
      for (const shape of shapes) {
        const layer = make(flag);
        const warm = tf.zeros([shape[0], shape[1], shape[2]]);
        layer.apply(warm).dispose();
        warm.dispose();
        const values = layer.weights.map((w) => w.variable.dataSync().slice() as Float32Array);
        const fused = outputsAndGradients(layer, values, shape, true);
        const composite = outputsAndGradients(layer, values, shape, false);
        expect(fused.length).toBe(composite.length);
        fused.forEach((actual, i) => expectTensorsClose(actual, composite[i]!, { rtol: 1e-4, atol: 1e-5 }));
        layer.dispose();
      }
    });
  });

  it('runs one fused kernel per layer call, and the composite ops when switched off', async () => {
    await tf.setBackend(backend);
    const layer = lstm({ units: 3, ...init(61) });
    const x = tf.ones([2, 4, 3]);
    layer.apply(x).dispose();
    const fused = await tf.profile(() => layer.apply(x));
    expect(fused.kernelNames.filter((name) => name === 'LoomLSTMSequence')).toHaveLength(1);
    useFusedKernels(false);
    const composite = await tf.profile(() => layer.apply(x));
    useFusedKernels(true);
    expect(composite.kernelNames).not.toContain('LoomLSTMSequence');
    tf.dispose([x, fused.result as tf.Tensor, composite.result as tf.Tensor]);
    layer.dispose();
  });

  it('masked steps keep the state: padding at the end leaves the last output equal to the unpadded run', async () => {
    await tf.setBackend(backend);
    const short = lstm({ units: 4, ...init(21) });
    const long = lstm({ units: 4, ...init(21) });
    const real = tf.tensor(seededValues(2 * 4 * 3, 31), [2, 4, 3]);
    const padded = tf.concat([real, tf.ones([2, 3, 3])], 1);
    const mask = tf.tensor([1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0], [2, 7]);
    const expected = short.apply(real);
    long.apply(padded).dispose();
    long.weights.forEach((w, i) => w.variable.assign(short.weights[i]!.variable));
    const actual = long.apply(padded, { mask });
    expectTensorsClose(actual, expected, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([real, padded, mask, expected, actual]);
    short.dispose();
    long.dispose();
  });
});

describe('fused recurrent kernels by finite differences (cpu, float32: epsilon 1e-2, rtol 2e-2, atol 2e-3)', () => {
  it.each(cells.slice(0, 3))('$label with a mask and goBackwards', async ({ make }) => {
    await tf.setBackend('cpu');
    const layer = make({});
    const mask = tf.tensor(maskValues(3, 4), [3, 4]);
    const x = tf.tensor(seededValues(3 * 4 * 2, 41), [3, 4, 2]);
    layer.apply(x).dispose();
    const recurrent = layer as Recurrent;
    const [kernel, recurrentKernel, bias, recurrentBias] = layer.trainableWeights as tf.Variable[];
    const result = checkGradients(
      (input, k, u) => tf.sum(tf.square(recurrent.runSequence(input!, { kernel: k!, recurrentKernel: u!, bias: bias ?? null, recurrentBias: recurrentBias ?? null }, true, true, mask))),
      [x, kernel!, recurrentKernel!],
    );
    expect(result.checked).toBeGreaterThan(10);
    tf.dispose([mask, x]);
    layer.dispose();
  });
});

describe('fused recurrent training on loom-wasm', () => {
  it.each([
    ['GRU, 3 units (BatchMatMul per step)', () => gru({ units: 3, returnSequences: true, ...init(51) })],
    ['LSTM, 4 units (own SIMD products)', () => lstm({ units: 4, returnSequences: true, ...init(53) })],
  ])('keeps the tensor count flat over 1,000 steps: %s', async (_label, make) => {
    await tf.setBackend(LOOM_WASM_BACKEND);
    const layer = make();
    const x = tf.tensor(seededValues(2 * 3 * 2, 52), [2, 3, 2]);
    const mask = tf.tensor([1, 1, 0, 0, 1, 1], [2, 3]);
    layer.apply(x).dispose();
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { mask }))) as tf.Scalar, layer.trainableWeights);
        for (const v of layer.trainableWeights) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.01)));
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask]);
    layer.dispose();
  });
});
