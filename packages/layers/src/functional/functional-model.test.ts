import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { dense } from '../core/layers/dense.js';
import { embedding } from '../core/layers/embedding.js';
import { add, subtract } from '../core/layers/merge.js';
import { concatenate } from '../core/layers/merge-concatenate.js';
import { dot } from '../core/layers/merge-dot.js';
import { flatten } from '../core/layers/reshaping.js';
import { model } from './functional-model.js';
import { input } from './symbolic-tensor.js';

const seeded = (seed: number) => ({ name: 'glorotUniform' as const, seed });

/** Two inputs → two Dense towers → concatenate → Dense head. */
function twoTowerRegressor(name = 'two_tower') {
  const left = input({ shape: [3], name: 'left' });
  const right = input({ shape: [2], name: 'right' });
  const leftTower = dense({ units: 4, activation: 'tanh', kernelInitializer: seeded(1), biasInitializer: { name: 'randomNormal', seed: 2, stddev: 0.1 } });
  const rightTower = dense({ units: 2, activation: 'relu', kernelInitializer: seeded(3) });
  const head = dense({ units: 1, kernelInitializer: seeded(4) });
  const joined = concatenate().connect([leftTower.connect(left), rightTower.connect(right)]);
  return { model: model({ inputs: [left, right], outputs: head.connect(joined), name }), leftTower, rightTower, head };
}

describe('input / connect', () => {
  it('records shapes without computing anything', () => {
    const x = input({ shape: [4], name: 'x' });
    expect(x.shape).toEqual([null, 4]);
    expect(x.isInput).toBe(true);
    const before = tf.memory().numTensors;
    const layer = dense({ units: 8 });
    const y = layer.connect(x);
    expect(y.shape).toEqual([null, 8]);
    expect(y.sourceLayer).toBe(layer);
    expect(y.inbound).toEqual([x]);
    // Only the Dense weights were created: kernel and bias.
    expect(tf.memory().numTensors - before).toBe(2);
    layer.dispose();
  });

  it('validates input() options', () => {
    expect(() => input({ shape: [0], name: 'bad' })).toThrow("Invalid value for `shape` in input 'bad'. Expected a non-empty array of positive integers without the batch dimension, e.g. [784]. Received: [0].");
    expect(() => input({ shape: [2], name: 'ids', dtype: 'int64' as never })).toThrow("Invalid value for `dtype` in input 'ids'. Expected 'float32' or 'int32'. Received: 'int64'.");
  });

  it('names the layer and the expected and received shapes on a mismatch', () => {
    const x = input({ shape: [4, 5] });
    expect(() => dense({ units: 2, name: 'needs_vector' }).connect(input({ shape: [] as never }))).toThrow(/Invalid value for `shape`/);
    const shared = dense({ units: 3, name: 'shared_dense' });
    shared.connect(x);
    expect(() => shared.connect(input({ shape: [4, 6] }))).toThrow("Dense 'shared_dense' expected input of shape [null,4,5], received shape [null,4,6].");
    expect(() => add({ name: 'add_xy' }).connect([x, input({ shape: [4, 3] })])).toThrow("Add 'add_xy' expected inputs of the same rank whose dimensions match (or are 1), received shapes [null,4,5] and [null,4,3].");
    expect(() => dense({ units: 2, name: 'two_inputs' }).connect([x, x])).toThrow("Dense 'two_inputs' takes one input tensor, received 2.");
    expect(() => dense({ units: 2, name: 'real_tensor' }).connect(tf.zeros([1, 2]) as never)).toThrow(/Invalid value for `inputs` in Dense 'real_tensor'.connect. Expected a symbolic tensor .* Received: \['a Tensor'\]/);
    shared.dispose();
  });
});

describe('FunctionalModel', () => {
  it('computes the same as the hand-written graph with tfjs-core ops (cpu, atol 1e-6)', () => {
    const { model: twoTower, leftTower, rightTower, head } = twoTowerRegressor();
    const xLeft = tf.randomNormal([5, 3], 0, 1, 'float32', 7);
    const xRight = tf.randomNormal([5, 2], 0, 1, 'float32', 8);
    const actual = twoTower.apply([xLeft, xRight]) as tf.Tensor;
    const [kl, bl] = leftTower.trainableWeights as unknown as [tf.Tensor2D, tf.Tensor1D];
    const [kr, br] = rightTower.trainableWeights as unknown as [tf.Tensor2D, tf.Tensor1D];
    const [kh, bh] = head.trainableWeights as unknown as [tf.Tensor2D, tf.Tensor1D];
    const expected = tf.tidy(() => {
      const hLeft = tf.tanh(tf.add(tf.matMul(xLeft as tf.Tensor2D, kl), bl));
      const hRight = tf.relu(tf.add(tf.matMul(xRight as tf.Tensor2D, kr), br));
      return tf.add(tf.matMul(tf.concat([hLeft, hRight], 1) as tf.Tensor2D, kh), bh);
    });
    expect(actual.shape).toEqual([5, 1]);
    expectTensorsClose(actual, expected, { rtol: 1e-6, atol: 1e-6 });
    expect(twoTower.inputShapes).toEqual([[3], [2]]);
    expect(twoTower.outputShape).toEqual([null, 1]);
    expect(twoTower.outputShapes).toEqual([[null, 1]]);
    expect(() => twoTower.inputShape).toThrow("Functional 'two_tower' has 2 inputs; read inputShapes instead of inputShape.");
    // (3*4 + 4) + (2*2 + 2) + (6*1 + 1)
    expect(twoTower.countParams()).toBe(29);
    expect(twoTower.layers.map((l) => l.className)).toEqual(['Dense', 'Dense', 'Concatenate', 'Dense']);
    tf.dispose([xLeft, xRight, actual, expected]);
    twoTower.dispose();
  });

  it('shares weights between two calls of one layer (a siamese difference)', () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const encoder = dense({ units: 2, kernelInitializer: seeded(5), biasInitializer: 'ones', name: 'encoder' });
    const siamese = model({ inputs: [a, b], outputs: subtract().connect([encoder.connect(a), encoder.connect(b)]) });
    expect(siamese.layers.map((l) => l.name)).toContain('encoder');
    expect(siamese.layers.filter((l) => l === encoder)).toHaveLength(1);
    expect(siamese.trainableWeights).toHaveLength(2);
    const xa = tf.tensor2d([[1, 2, 3]]);
    const xb = tf.tensor2d([[0, 1, -1]]);
    // (xa W + 1) - (xb W + 1) = (xa - xb) W: the bias cancels, the kernel is the same.
    const expected = tf.matMul(tf.sub(xa, xb), encoder.trainableWeights[0]!);
    const actual = siamese.apply([xa, xb]) as tf.Tensor;
    expectTensorsClose(actual, expected, { rtol: 1e-6, atol: 1e-6 });
    // Gradients of a shared kernel sum both uses: d/dW sum((xa - xb) W) = (xa - xb)^T 1.
    const { grads } = tf.variableGrads(() => tf.sum(siamese.apply([xa, xb]) as tf.Tensor) as tf.Scalar, siamese.trainableWeights);
    const kernel = encoder.trainableWeights[0]!;
    expectTensorsClose(grads[kernel.name]!, [[1, 1], [1, 1], [4, 4]], { rtol: 1e-6, atol: 1e-6 });
    expectTensorsClose(grads[encoder.trainableWeights[1]!.name]!, [0, 0], { rtol: 0, atol: 1e-6 });
    tf.dispose([xa, xb, expected, actual, ...Object.values(grads)]);
    siamese.dispose();
  });

  it('returns one tensor per output for a multi-output model', () => {
    const x = input({ shape: [4], name: 'features' });
    const trunk = dense({ units: 3, activation: 'relu', kernelInitializer: seeded(6) }).connect(x);
    const score = dense({ units: 1, name: 'score' }).connect(trunk);
    const classes = dense({ units: 5, activation: 'softmax', name: 'classes' }).connect(trunk);
    const twoHeads = model({ inputs: x, outputs: [score, classes], name: 'two_heads' });
    expect(twoHeads.inputShape).toEqual([4]);
    expect(twoHeads.outputShapes).toEqual([[null, 1], [null, 5]]);
    expect(() => twoHeads.outputShape).toThrow("Functional 'two_heads' has 2 outputs; read outputShapes instead of outputShape.");
    const data = tf.ones([2, 4]);
    const outputs = twoHeads.apply(data) as tf.Tensor[];
    expect(outputs.map((t) => t.shape)).toEqual([[2, 1], [2, 5]]);
    expectTensorsClose(tf.sum(outputs[1]!, 1), [1, 1], { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([data, ...outputs]);
    twoHeads.dispose();
  });

  it('casts float ids to an int32 input and scores a two-tower recommender by cosine', () => {
    const user = input({ shape: [1], name: 'user', dtype: 'int32' });
    const item = input({ shape: [1], name: 'item', dtype: 'int32' });
    const userTable = embedding({ inputDim: 4, outputDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 9 } });
    const itemTable = embedding({ inputDim: 6, outputDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 10 } });
    const u = flatten().connect(userTable.connect(user));
    const v = flatten().connect(itemTable.connect(item));
    const recommender = model({ inputs: [user, item], outputs: dot({ axes: 1, normalize: true }).connect([u, v]) });
    const users = tf.tensor2d([[0], [3]]);
    const items = tf.tensor2d([[5], [1]], undefined, 'int32');
    const scores = recommender.apply([users, items]) as tf.Tensor;
    const userRows = userTable.trainableWeights[0]!.arraySync() as number[][];
    const itemRows = itemTable.trainableWeights[0]!.arraySync() as number[][];
    const cosine = (p: number[], q: number[]) => p.reduce((s, x, i) => s + x * q[i]!, 0) / Math.hypot(...p) / Math.hypot(...q);
    expectTensorsClose(scores, [[cosine(userRows[0]!, itemRows[5]!)], [cosine(userRows[3]!, itemRows[1]!)]], { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([users, items, scores]);
    recommender.dispose();
  });

  it('has input gradients that match finite differences', () => {
    const { model: twoTower } = twoTowerRegressor();
    const xLeft = tf.randomNormal([3, 3], 0, 1, 'float32', 11);
    const xRight = tf.randomNormal([3, 2], 0, 1, 'float32', 12);
    // Central differences, h = 1e-3: relu kinks sit farther than h from these seeded inputs.
    const result = checkGradients((l, r) => tf.sum(twoTower.apply([l!, r!]) as tf.Tensor), [xLeft, xRight], { epsilon: 1e-3, rtol: 2e-2, atol: 2e-3 });
    expect(result.checked).toBe(15);
    tf.dispose([xLeft, xRight]);
    twoTower.dispose();
  });

  it('leaks no tensors in forward and backward passes', () => {
    const { model: twoTower } = twoTowerRegressor();
    const xLeft = tf.ones([4, 3]);
    const xRight = tf.ones([4, 2]);
    expectNoLeakedTensors(() => {
      for (let step = 0; step < 3; step++) {
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(twoTower.apply([xLeft, xRight], { training: true }) as tf.Tensor) as tf.Scalar, twoTower.trainableWeights);
          return [value, ...Object.values(grads), twoTower.apply([xLeft, xRight]) as tf.Tensor];
        }).forEach((t) => t.dispose());
      }
    });
    tf.dispose([xLeft, xRight]);
    twoTower.dispose();
  });

  it('explains inputs that are missing, unused, repeated or not inputs', () => {
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [2], name: 'b' });
    const unused = input({ shape: [2], name: 'unused' });
    const sum = add({ name: 'sum' }).connect([a, b]);
    expect(() => model({ inputs: [a], outputs: sum, name: 'm' })).toThrow("Invalid value for `inputs` in Functional 'm'. Expected every input the outputs depend on: output 'sum' needs input 'b'. Received: ['a'].");
    expect(() => model({ inputs: [a, b, unused], outputs: sum, name: 'm' })).toThrow("Invalid value for `inputs` in Functional 'm'. Expected only inputs the outputs depend on; 'unused' is not connected to any output. Received: ['a', 'b', 'unused'].");
    expect(() => model({ inputs: [a, a, b], outputs: sum, name: 'm' })).toThrow("Invalid value for `inputs` in Functional 'm'. Expected inputs with distinct names; 'a' appears twice. Received: ['a', 'a', 'b'].");
    expect(() => model({ inputs: [a, sum], outputs: sum, name: 'm' })).toThrow("Invalid value for `inputs` in Functional 'm'. Expected model inputs made by input(); 'sum' is the output of a layer. Received: ['a', 'sum'].");
    expect(() => model({ inputs: [a, b], outputs: a, name: 'm' })).toThrow("Invalid value for `outputs` in Functional 'm'. Expected layer outputs; 'a' is a model input (connect a layer to it). Received: ['a'].");
    expect(() => model({ inputs: [], outputs: sum, name: 'm' })).toThrow("Invalid value for `inputs` in Functional 'm'. Expected a symbolic tensor or a non-empty list of them (from input() and layer.connect()). Received: [].");
    const twin = dense({ units: 2, name: 'twin' }).connect(a);
    const otherTwin = dense({ units: 2, name: 'twin' }).connect(twin);
    expect(() => model({ inputs: a, outputs: otherTwin, name: 'm' })).toThrow("Functional 'm' has two layers named 'twin'; names must be unique within a model.");
    const clash = dense({ units: 2, name: 'a' }).connect(a);
    expect(() => model({ inputs: a, outputs: clash, name: 'm' })).toThrow("Functional 'm' has two entries (an input and a layer) named 'a'; names must be unique within a model.");
  });

  it('checks the tensors given to apply', () => {
    const { model: twoTower } = twoTowerRegressor('checked');
    const left = tf.zeros([2, 3]);
    expect(() => twoTower.apply(left)).toThrow("Functional 'checked' takes 2 input tensor(s) ('left', 'right'), received 1.");
    expect(() => twoTower.apply([left, tf.zeros([2, 3])])).toThrow("Functional 'checked' input 'right' expected input of shape [null,2], received shape [2,3].");
    tf.dispose(left);
    twoTower.dispose();
  });
});
