import * as tf from '@tensorflow/tfjs-core';
import { setSeed } from '@loom-ml/core';
import { afterEach, describe, expect, it } from 'vitest';
import { dense } from './layers/dense.js';
import { dropout } from './layers/dropout.js';
import { sequential } from '../model/sequential.js';
import {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  initialize,
  lecunNormal,
  ones,
  orthogonal,
  randomNormal,
  zeros,
} from './initializers.js';

afterEach(() => setSeed(null));

const values = (tensor: tf.Tensor): number[] => {
  const out = Array.from(tensor.dataSync());
  tensor.dispose();
  return out;
};

describe('initializer functions', () => {
  it('return the configs the layers take and save (JSON-safe)', () => {
    expect(glorotUniform({ seed: 1 })).toEqual({ name: 'glorotUniform', seed: 1 });
    expect(glorotNormal()).toEqual({ name: 'glorotNormal' });
    expect(heUniform({ seed: 2 })).toEqual({ name: 'heUniform', seed: 2 });
    expect(heNormal({ seed: 3 })).toEqual({ name: 'heNormal', seed: 3 });
    expect(lecunNormal({ seed: 4 })).toEqual({ name: 'lecunNormal', seed: 4 });
    expect(orthogonal({ gain: 2, seed: 5 })).toEqual({ name: 'orthogonal', gain: 2, seed: 5 });
    expect(randomNormal({ stddev: 0.02, seed: 6 })).toEqual({ name: 'randomNormal', stddev: 0.02, seed: 6 });
    expect(zeros()).toBe('zeros');
    expect(ones()).toBe('ones');
    const layer = dense({ units: 3, kernelInitializer: glorotUniform({ seed: 9 }) });
    expect(JSON.parse(JSON.stringify(layer.getConfig())).kernelInitializer).toEqual({ name: 'glorotUniform', seed: 9 });
  });

  it('draw Glorot-uniform values inside the limit sqrt(6 / (fanIn + fanOut)), the same for the same seed', () => {
    const limit = Math.sqrt(6 / (20 + 30));
    const a = values(initialize(glorotUniform({ seed: 1 }), [20, 30]));
    expect(a.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.9 * limit);
    expect(values(initialize(glorotUniform({ seed: 1 }), [20, 30]))).toEqual(a);
    expect(values(initialize(glorotUniform({ seed: 2 }), [20, 30]))).not.toEqual(a);
  });

  it('refuses a seed that is not a finite number, naming the layer', () => {
    expect(() => sequential([dense({ units: 2, inputShape: [3], kernelInitializer: { name: 'glorotUniform', seed: Number.NaN } })])).toThrow(
      /^Invalid value for `seed` in Dense 'dense_\d+'\. Expected a finite number\. Received: NaN\.$/,
    );
  });
});

describe('setSeed', () => {
  const build = () => sequential([dense({ units: 8, activation: 'relu', inputShape: [5] }), dropout({ rate: 0.5 }), dense({ units: 2 })]);
  const weightsOf = (model: ReturnType<typeof build>): number[][] => {
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return weights;
  };

  it('makes unseeded initializers repeat: the same seed builds the same weights, another seed others', () => {
    setSeed(42);
    const first = weightsOf(build());
    setSeed(42);
    expect(weightsOf(build())).toEqual(first);
    setSeed(43);
    expect(weightsOf(build())).not.toEqual(first);
    setSeed(null);
    expect(weightsOf(build())).not.toEqual(first);
  });

  it('makes an unseeded dropout mask repeat', () => {
    const layer = dropout({ rate: 0.5 });
    const x = tf.ones([4, 50]);
    const mask = () => values(layer.apply(x, { training: true }));
    setSeed(3);
    const first = [mask(), mask()];
    expect(first[0]).not.toEqual(first[1]);
    setSeed(3);
    expect([mask(), mask()]).toEqual(first);
    x.dispose();
  });
});
