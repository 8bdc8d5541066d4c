// The fused kernels with outputs kept only for their gradient (LoomAttention's probabilities,
// a recurrent kernel's workspace, LoomLayerNorm's row statistics) are recorded on the tape for
// their first output alone (runFusedKernelForFirstOutput). Recorded with every output, tfjs-core
// filled each unused output's gradient with a zero tensor made in JavaScript and copied into the
// backend before calling the gradient: about half of the Transformer bench's training step.
// Checked here, on cpu and loom-wasm: the fused kernel runs; no tensor the size of those outputs
// is made from JavaScript values during a gradient; the gradients still match the composite path
// (useFusedKernels(false), rtol 1e-4, atol 2e-5: float32 sums in another order), with masks too;
// and the tensor and backend data-id counts stay flat over 200 steps, training and inference.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { LOOM_WASM_BACKEND } from '@loom-ml/wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { layerNormalization, lstm, multiHeadAttention, gru, useFusedKernels, type Layer } from '../index.js';
import { useFusedKernelBackends } from '../../test/fused-kernel-setup.js';
import { seededValues } from '../../test/layer-cases.js';

// tfjs' IS_TEST leak check is off here (see the helper); tensor and data-id counts are checked below.
useFusedKernelBackends();
afterEach(() => {
  useFusedKernels(true);
});

const [batch, time, features, heads] = [3, 12, 8, 2];
const seeded = (seed: number) => ({ name: 'glorotUniform' as const, seed });

interface Case {
  label: string;
  kernel: string;
  make: () => Layer;
  mask?: boolean;
}

const cases: Case[] = [
  { label: 'multiHeadAttention', kernel: 'LoomAttention', make: () => multiHeadAttention({ numHeads: heads, keyDim: 4, kernelInitializer: seeded(1) }) },
  { label: 'multiHeadAttention with a padding mask', kernel: 'LoomAttention', make: () => multiHeadAttention({ numHeads: heads, keyDim: 4, kernelInitializer: seeded(2) }), mask: true },
  { label: 'lstm', kernel: 'LoomLSTMSequence', make: () => lstm({ units: 5, returnSequences: true, kernelInitializer: seeded(3), recurrentInitializer: seeded(4) }) },
  { label: 'gru', kernel: 'LoomGRUSequence', make: () => gru({ units: 5, kernelInitializer: seeded(5), recurrentInitializer: seeded(6) }) },
  { label: 'layerNormalization', kernel: 'LoomLayerNorm', make: () => layerNormalization({}) },
];

const input = () => tf.tensor(seededValues(batch * time * features, 7), [batch, time, features]);
// Batch entry 1 has its last 4 steps padded.
const paddingMask = () => tf.tensor2d(Array.from({ length: batch * time }, (_, i) => (Math.floor(i / time) === 1 && i % time >= time - 4 ? 0 : 1)), [batch, time], 'int32');

function apply(layer: Layer, x: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  const options = mask === null ? { training: true } : { training: true, attentionMask: mask };
  return layer.apply(x, options as never) as tf.Tensor;
}

/** The loss, d loss / d input and d loss / d every weight; and the sizes of tensors made from JavaScript values during the gradient. */
function gradients(layer: Layer, withMask: boolean): { values: tf.Tensor[]; madeSizes: number[]; outputSize: number } {
  const x = input();
  const mask = withMask ? paddingMask() : null;
  const built = apply(layer, x, mask); // builds the weights
  const outputSize = built.size;
  const weights = tf.tensor(seededValues(built.size, 9), built.shape);
  built.dispose();
  const loss = (xs: tf.Tensor) => tf.sum(tf.mul(apply(layer, xs, mask), weights)) as tf.Scalar;
  const engine = tf.engine();
  const makeTensor = engine.makeTensor.bind(engine);
  const madeSizes: number[] = [];
  engine.makeTensor = (values, shape, dtype, backend) => {
    madeSizes.push(tf.util.sizeFromShape(shape));
    return makeTensor(values, shape, dtype, backend);
  };
  let values: tf.Tensor[];
  try {
    values = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(x));
      const dx = tf.grad(loss)(x);
      return [value, dx, ...layer.trainableWeights.map((w) => grads[w.name] as tf.Tensor)];
    });
  } finally {
    engine.makeTensor = makeTensor;
  }
  tf.dispose(mask === null ? [x, weights] : [x, mask, weights]);
  return { values, madeSizes, outputSize };
}

describe('fused kernels recorded for their first output', () => {
  for (const backend of ['cpu', LOOM_WASM_BACKEND])
    it.each(cases)(`$label on ${backend}: no zero-filled gradient for the internal outputs, same gradients as the composite path`, async (c) => {
      await tf.setBackend(backend);
      const kernels = (await tf.profile(() => tf.dispose(gradients(c.make(), c.mask === true).values))).kernelNames;
      expect(kernels).toContain(c.kernel);
      expect(kernels).toContain(`${c.kernel}Grad`);
      const fused = gradients(c.make(), c.mask === true);
      // Made from values during the gradient: scalars, and the ones tf.grad starts from (the layer
      // output's size); no zeros for an internal output.
      expect(fused.madeSizes.filter((size) => size !== 1 && size !== fused.outputSize)).toEqual([]);
      useFusedKernels(false);
      const composite = gradients(c.make(), c.mask === true);
      expect(fused.values).toHaveLength(composite.values.length);
      fused.values.forEach((value, i) => expectTensorsClose(value, composite.values[i]!, { rtol: 1e-4, atol: 2e-5 }));
      tf.dispose([...fused.values, ...composite.values]);
    });

  it.each(cases)('$label: the tensor and data-id counts stay flat over 200 training and inference steps on loom-wasm', async (c) => {
    await tf.setBackend(LOOM_WASM_BACKEND);
    const layer = c.make();
    const x = input();
    const mask = c.mask === true ? paddingMask() : null;
    apply(layer, x, mask).dispose(); // builds the weights
    const step = () => {
      tf.dispose(tf.variableGrads(() => tf.sum(apply(layer, x, mask)) as tf.Scalar));
      tf.dispose(layer.apply(x, (mask === null ? {} : { attentionMask: mask }) as never) as tf.Tensor);
    };
    step();
    const dataIds = tf.engine().backend.numDataIds();
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 200; i++) step();
    });
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    tf.dispose(mask === null ? [x] : [x, mask]);
  });
});
