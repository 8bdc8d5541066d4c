// One seed per layer (issue 22): `seed` seeds every weight initializer without a seed of its
// own, each weight with a distinct seed, so the same seed gives bit-identical weights.
import * as tf from '@tensorflow/tfjs-core';
import { setSeed } from '@loom-ml/core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bidirectional,
  conv1d,
  dense,
  embedding,
  glorotUniform,
  gru,
  lstm,
  multiHeadAttention,
  positionalEmbedding,
  sequential,
  simpleRnn,
  tokenAndPositionEmbedding,
  transformerDecoder,
  transformerEncoder,
  type Layer,
  type Shape,
} from '../index.js';
import { deriveSeed } from './initializers.js';

afterEach(() => setSeed(null));

type Make = (seed: number | undefined) => Layer;
const sequence: Shape = [null, 5, 8];
const ids: Shape = [null, 5];

/** Each layer that draws random weights, with an input shape to build it on. */
const cases: [string, Make, Shape][] = [
  ['transformerEncoder', (seed) => transformerEncoder({ numHeads: 2, feedForwardDim: 16, dropout: 0.1, seed }), sequence],
  ['transformerDecoder', (seed) => transformerDecoder({ numHeads: 2, feedForwardDim: 16, dropout: 0.1, seed }), sequence],
  ['multiHeadAttention', (seed) => multiHeadAttention({ numHeads: 2, keyDim: 4, seed }), sequence],
  ['tokenAndPositionEmbedding', (seed) => tokenAndPositionEmbedding({ vocabularySize: 20, sequenceLength: 5, embeddingDim: 8, seed }), ids],
  ['positionalEmbedding', (seed) => positionalEmbedding({ inputDim: 20, outputDim: 8, sequenceLength: 5, seed }), ids],
  ['lstm', (seed) => lstm({ units: 8, seed }), sequence],
  ['gru', (seed) => gru({ units: 8, seed }), sequence],
  ['simpleRnn', (seed) => simpleRnn({ units: 8, seed }), sequence],
  ['bidirectional(lstm)', (seed) => bidirectional({ layer: lstm({ units: 8, seed }) }), sequence],
  ['embedding', (seed) => embedding({ inputDim: 20, outputDim: 8, seed }), ids],
  ['dense', (seed) => dense({ units: 8, seed }), [null, 8]],
  ['conv1d', (seed) => conv1d({ filters: 8, kernelSize: 3, seed }), sequence],
];

/** The layer's weights as bits (exact comparison), by weight path without the layer name. */
function build(make: Make, seed: number | undefined, shape: Shape): Map<string, number[]> {
  const layer = make(seed);
  layer.build(shape);
  const out = new Map<string, number[]>();
  for (const weight of layer.weights) {
    const values = weight.variable.dataSync() as Float32Array;
    out.set(weight.path.slice(layer.name.length + 1), Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length)));
  }
  layer.dispose();
  return out;
}

/** Whether a weight is drawn at random (biases, norms and an LSTM bias of zeros and ones are not). */
const isRandom = (bits: number[]): boolean => new Set(bits).size > 2;

describe('a layer seed seeds all its weights', () => {
  it.each(cases)('%s: the same seed gives bit-identical weights, another seed differs, each random weight its own draw', async (_name, make, shape) => {
    await expectNoLeakedTensors(() => {
      const first = build(make, 1, shape);
      const again = build(make, 1, shape);
      const other = build(make, 2, shape);
      expect([...again]).toEqual([...first]);
      const random = [...first].filter(([, bits]) => isRandom(bits));
      expect(random.length).toBeGreaterThan(0);
      for (const [path, bits] of random) expect(other.get(path), path).not.toEqual(bits);
      // No two random weights of the layer repeat each other's draws (same seed reused).
      const prefixes = random.map(([path, bits]) => `${bits.length}:${bits.slice(0, 4).join(',')}`);
      expect(new Set(prefixes).size).toBe(random.length);
    });
  });

  it('an initializer with its own seed keeps it', () => {
    const own = build(() => dense({ units: 8, seed: 1, kernelInitializer: glorotUniform({ seed: 5 }) }), undefined, [null, 8]);
    const alone = build(() => dense({ units: 8, kernelInitializer: glorotUniform({ seed: 5 }) }), undefined, [null, 8]);
    expect(own.get('kernel')).toEqual(alone.get('kernel'));
    // ...while an initializer named without a seed takes the layer's.
    const named = build(() => dense({ units: 8, seed: 1, kernelInitializer: 'glorotUniform' }), undefined, [null, 8]);
    expect(named.get('kernel')).toEqual(build(() => dense({ units: 8, seed: 1 }), undefined, [null, 8]).get('kernel'));
  });

  it('the weights do not depend on the generated layer name (how many layers were made before)', () => {
    const first = build(cases[0]![1], 3, sequence);
    for (let i = 0; i < 3; i++) transformerEncoder({ numHeads: 2, feedForwardDim: 16 });
    expect(build(cases[0]![1], 3, sequence)).toEqual(first);
  });

  it('setSeed covers the same layers without a seed of their own', () => {
    for (const [name, make, shape] of cases) {
      setSeed(9);
      const first = build(make, undefined, shape);
      setSeed(9);
      expect(build(make, undefined, shape), name).toEqual(first);
    }
  });

  it('a seeded Transformer trains the same: dropout seeded from the layer seed too', () => {
    const run = (): number[] => {
      const model = sequential([tokenAndPositionEmbedding({ vocabularySize: 20, sequenceLength: 5, embeddingDim: 8, seed: 4 }), transformerEncoder({ numHeads: 2, feedForwardDim: 16, dropout: 0.5, seed: 4 })], { inputShape: [5] });
      const x = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], 'int32');
      const y = model.apply(x, { training: true });
      const out = Array.from(y.dataSync());
      tf.dispose([x, y]);
      model.dispose();
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('saves the seed in the config and refuses a seed that is not an integer', () => {
    expect(dense({ units: 2, seed: 7 }).getConfig()).toMatchObject({ seed: 7 });
    expect(lstm({ units: 2, seed: 7 }).getConfig()).toMatchObject({ seed: 7 });
    expect(() => dense({ units: 2, name: 'd', seed: 1.5 })).toThrow("Invalid value for `seed` in Dense 'd'. Expected an integer. Received: 1.5.");
  });

  it('deriveSeed gives distinct integers in [0, 2^31) per weight name and seed', () => {
    const names = ['kernel', 'recurrentKernel', 'attention/queryKernel', 'attention/keyKernel', 'feedForward/kernel1', 'feedForward/kernel2'];
    const seeds = [0, 1, 2, 42, 2 ** 31 - 1].flatMap((seed) => names.map((name) => deriveSeed(seed, name)));
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
  });
});
