// Padding masks as in Keras: embedding({ maskZero: true }) makes a mask from the ids that
// Sequential and functional models carry to the next layers. Padded steps must not change what
// the real steps give: a sequence padded with id 0 (at the end, or at the front) gives the same
// output as the unpadded sequence through recurrent layers (fused and composite), attention,
// Transformer blocks and average pooling.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { initWasm, LOOM_WASM_BACKEND, type WasmBackendHandle } from '@loom-ml/wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bidirectional, dense, embedding, globalAveragePooling, globalMaxPooling, gru, input, lstm, model, multiHeadAttention, sequential, simpleRnn,
  transformerEncoder, useFusedKernels, type Layer, type Sequential,
} from '../src/index.js';

let handle: WasmBackendHandle | undefined;
beforeAll(async () => {
  handle = await initWasm({ threads: 1, setActive: false });
  tf.env().set('IS_TEST', false);
});
afterAll(async () => {
  tf.env().set('IS_TEST', true);
  await handle?.dispose();
  await tf.setBackend('cpu');
});

const seeded = (seed: number) => ({ name: 'glorotUniform' as const, seed });
// Two reviews of 4 real ids; the padded copies add 3 zeros after (post) or before (pre).
const real = [[5, 9, 2, 7], [3, 3, 8, 1]];
const post = real.map((row) => [...row, 0, 0, 0]);
const pre = real.map((row) => [0, 0, 0, ...row]);

/** The same stack twice (same weights), for 4 and for 7 steps. */
function pair(make: () => Layer[]): [Sequential, Sequential] {
  const short = sequential(make(), { inputShape: [4] });
  const long = sequential(make(), { inputShape: [7] });
  long.setWeights(short.getWeights());
  return [short, long];
}

const heads: { label: string; layers: () => Layer[]; paddings: number[][][] }[] = [
  { label: 'LSTM', layers: () => [lstm({ units: 5, kernelInitializer: seeded(2), recurrentInitializer: { name: 'orthogonal', seed: 3 } })], paddings: [post, pre] },
  { label: 'GRU', layers: () => [gru({ units: 5, kernelInitializer: seeded(4), biasInitializer: { name: 'randomNormal', seed: 5, stddev: 0.3 } })], paddings: [post, pre] },
  { label: 'SimpleRNN', layers: () => [simpleRnn({ units: 5, kernelInitializer: seeded(6) })], paddings: [post, pre] },
  { label: 'goBackwards LSTM', layers: () => [lstm({ units: 5, goBackwards: true, kernelInitializer: seeded(7) })], paddings: [post, pre] },
  { label: 'Bidirectional GRU', layers: () => [bidirectional({ layer: gru({ units: 3, kernelInitializer: seeded(8) }) })], paddings: [post, pre] },
  { label: 'LSTM sequences then average pooling', layers: () => [lstm({ units: 4, returnSequences: true, kernelInitializer: seeded(9) }), globalAveragePooling()], paddings: [post, pre] },
  { label: 'MultiHeadAttention then average pooling', layers: () => [multiHeadAttention({ numHeads: 2, keyDim: 3, kernelInitializer: seeded(10) }), globalAveragePooling()], paddings: [post, pre] },
  { label: 'TransformerEncoder then average pooling', layers: () => [transformerEncoder({ numHeads: 2, feedForwardDim: 8, kernelInitializer: seeded(11) }), globalAveragePooling(), dense({ units: 1, kernelInitializer: seeded(12) })], paddings: [post, pre] },
  { label: 'Dense then max pooling', layers: () => [dense({ units: 4, activation: 'tanh', kernelInitializer: seeded(13) }), globalMaxPooling()], paddings: [post, pre] },
];

describe.each([['cpu'], [LOOM_WASM_BACKEND]])('padding masks on %s', (backend) => {
  describe.each([[true], [false]])('fused kernels %s', (fused) => {
    it.each(heads)('$label: padded ids give the unpadded output (atol 1e-5)', async ({ layers, paddings }) => {
      await tf.setBackend(backend);
      const previous = useFusedKernels(fused);
      const [short, long] = pair(() => [embedding({ inputDim: 10, outputDim: 6, maskZero: true, embeddingsInitializer: { name: 'randomNormal', seed: 1, stddev: 0.5 } }), ...layers()]);
      const expected = short.apply(tf.tensor2d(real, undefined, 'int32'));
      for (const padded of paddings) {
        const ids = tf.tensor2d(padded, undefined, 'int32');
        const actual = long.apply(ids);
        expectTensorsClose(actual, expected, { atol: 1e-5, rtol: 1e-5 });
        tf.dispose([ids, actual]);
      }
      expected.dispose();
      useFusedKernels(previous);
      short.dispose();
      long.dispose();
    });
  });
});

describe('masks in functional models and configs', () => {
  it('a functional model carries the mask from the embedding to the LSTM', async () => {
    await tf.setBackend('cpu');
    const make = (time: number) => {
      const ids = input({ shape: [time], dtype: 'int32' });
      const embedded = embedding({ inputDim: 10, outputDim: 4, maskZero: true, embeddingsInitializer: { name: 'randomNormal', seed: 21, stddev: 0.5 } }).connect(ids);
      const state = lstm({ units: 3, kernelInitializer: seeded(22) }).connect(embedded);
      return model({ inputs: ids, outputs: dense({ units: 2, kernelInitializer: seeded(23) }).connect(state) });
    };
    const short = make(4);
    const long = make(7);
    long.setWeights(short.getWeights());
    const expected = short.apply(tf.tensor2d(real, undefined, 'int32')) as tf.Tensor;
    const actual = long.apply(tf.tensor2d(post, undefined, 'int32')) as tf.Tensor;
    expectTensorsClose(actual, expected, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([expected, actual]);
    short.dispose();
    long.dispose();
  });

  it('maskZero is saved only when set, and validated', () => {
    expect(embedding({ inputDim: 5, outputDim: 2, name: 'e' }).getConfig()).not.toHaveProperty('maskZero');
    expect(embedding({ inputDim: 5, outputDim: 2, maskZero: true, name: 'e2' }).getConfig()).toMatchObject({ maskZero: true });
    expect(() => embedding({ inputDim: 5, outputDim: 2, maskZero: 1 as never, name: 'e3' })).toThrow("Invalid value for `maskZero` in Embedding 'e3'. Expected a boolean. Received: 1.");
  });

  it('a recurrent layer names a mask of the wrong shape', async () => {
    await tf.setBackend('cpu');
    const layer = lstm({ units: 2, name: 'masked_lstm' });
    const x = tf.zeros([2, 3, 4]);
    const mask = tf.ones([2, 4]);
    expect(() => layer.apply(x, { mask })).toThrow("LSTM 'masked_lstm' mask expected a mask of shape [2, 3], received shape [2,4].");
    tf.dispose([x, mask]);
    layer.dispose();
  });

  it('a masked Sequential does not leak tensors', async () => {
    await tf.setBackend(LOOM_WASM_BACKEND);
    const net = sequential([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), lstm({ units: 3, returnSequences: true }), globalAveragePooling()], { inputShape: [7] });
    const ids = tf.tensor2d(post, undefined, 'int32');
    net.apply(ids).dispose();
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => {
          tf.variableGrads(() => tf.sum(net.apply(ids)) as tf.Scalar, net.trainableWeights);
        });
      }
    });
    ids.dispose();
    net.dispose();
  });
});
