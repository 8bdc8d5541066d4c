// Merge layers: hand-computed values, output shape, config round trip, finite-difference
// gradients for every input, no leaked tensors, and clear errors for bad input shapes.
import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { layerFromConfig } from '../../serialization/registry.js';
import type { Merge } from './merge.js';
import { add, average, maximum, minimum, multiply, subtract } from './merge.js';
import { concatenate } from './merge-concatenate.js';
import { dot } from './merge-dot.js';

const a = [[1, -2, 3], [0.5, 4, -1]];
const b = [[2, 1, -1], [3, -2, 0.5]];
const c = [[-1, 0.25, 2], [1, 1, -3]];
const cosine = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0) / Math.hypot(...u) / Math.hypot(...v);

interface MergeCase {
  label: string;
  make: () => Merge;
  inputs: number[][][] | number[][][][];
  /** Hand-computed output. */
  expected: number[][] | number[][][];
}

// Values differ by at least 0.5 wherever maximum/minimum pick, so h = 1e-2 never crosses a tie.
const cases: MergeCase[] = [
  { label: 'add', make: () => add(), inputs: [a, b], expected: [[3, -1, 2], [3.5, 2, -0.5]] },
  { label: 'add of three', make: () => add(), inputs: [a, b, c], expected: [[2, -0.75, 4], [4.5, 3, -3.5]] },
  { label: 'add broadcasting a size-1 dimension', make: () => add(), inputs: [a, [[10], [20]]], expected: [[11, 8, 13], [20.5, 24, 19]] },
  { label: 'subtract', make: () => subtract(), inputs: [a, b], expected: [[-1, -3, 4], [-2.5, 6, -1.5]] },
  { label: 'multiply', make: () => multiply(), inputs: [a, b], expected: [[2, -2, -3], [1.5, -8, -0.5]] },
  { label: 'average', make: () => average(), inputs: [a, b], expected: [[1.5, -0.5, 1], [1.75, 1, -0.25]] },
  { label: 'maximum', make: () => maximum(), inputs: [a, b], expected: [[2, 1, 3], [3, 4, 0.5]] },
  { label: 'minimum', make: () => minimum(), inputs: [a, b], expected: [[1, -2, -1], [0.5, -2, -1]] },
  { label: 'concatenate last axis', make: () => concatenate(), inputs: [a, [[7], [8]]], expected: [[1, -2, 3, 7], [0.5, 4, -1, 8]] },
  {
    label: 'concatenate axis 1 of rank 3',
    make: () => concatenate({ axis: 1 }),
    inputs: [[[[1, 2], [3, 4]]], [[[5, 6]]]],
    expected: [[[1, 2], [3, 4], [5, 6]]],
  },
  { label: 'dot axes 1', make: () => dot({ axes: 1 }), inputs: [a, b], expected: [[-3], [-7]] },
  { label: 'dot normalize (cosine)', make: () => dot({ axes: 1, normalize: true }), inputs: [a, b], expected: [[cosine(a[0]!, b[0]!)], [cosine(a[1]!, b[1]!)]] },
  {
    // [1, 2, 2] . [1, 3, 2] over the feature axis: every pair of rows' dot product.
    label: 'dot rank 3, axes 2',
    make: () => dot({ axes: 2 }),
    inputs: [[[[1, 2], [3, 4]]], [[[1, 0], [0, 1], [1, 1]]]],
    expected: [[[1, 2, 3], [3, 4, 7]]],
  },
  {
    // out[i, j] = sum_k a[k, i] b[k, j]
    label: 'dot rank 3, axes [1, 1]',
    make: () => dot({ axes: [1, 1] }),
    inputs: [[[[1, 2], [3, 4]]], [[[1, 0, 2], [0, 1, 1]]]],
    expected: [[[1, 3, 5], [2, 4, 8]]],
  },
  {
    label: 'dot normalize rank 3, axes -1',
    make: () => dot({ axes: -1, normalize: true }),
    inputs: [[[[1, 2], [3, 4]]], [[[1, 0], [1, 1]]]],
    expected: [[[cosine([1, 2], [1, 0]), cosine([1, 2], [1, 1])], [cosine([3, 4], [1, 0]), cosine([3, 4], [1, 1])]]],
  },
];

const tensorsOf = (values: MergeCase['inputs']) => values.map((v) => tf.tensor(v as number[][]));

describe.each(cases)('$label', (testCase) => {
  it('matches the hand-computed values (float32 rounding, atol 1e-6, rtol 1e-6)', () => {
    const layer = testCase.make();
    const inputs = tensorsOf(testCase.inputs);
    const output = layer.apply(inputs);
    expectTensorsClose(output, testCase.expected, { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([...inputs, output]);
  });

  it('reports the output shape it produces', () => {
    const layer = testCase.make();
    const inputs = tensorsOf(testCase.inputs);
    const output = layer.apply(inputs);
    const predicted = layer.computeMergeShape(inputs.map((t) => [null, ...t.shape.slice(1)]));
    expect(predicted).toEqual([null, ...output.shape.slice(1)]);
    tf.dispose([...inputs, output]);
  });

  it('round-trips its config through layerFromConfig with identical outputs', () => {
    const layer = testCase.make();
    const copy = layerFromConfig(layer.className, layer.getConfig()) as Merge;
    expect(copy.getConfig()).toEqual(layer.getConfig());
    expect(copy.className).toBe(layer.className);
    const inputs = tensorsOf(testCase.inputs);
    const [expected, actual] = [layer.apply(inputs), copy.apply(inputs)];
    expectTensorsClose(actual, expected, { rtol: 0, atol: 0 });
    tf.dispose([...inputs, expected, actual]);
  });

  it('has gradients for every input that match finite differences', () => {
    const layer = testCase.make();
    const inputs = tensorsOf(testCase.inputs);
    const outputShape = layer.apply(inputs).shape;
    // A fixed, non-uniform projection so each output element gets a different weight.
    const projection = tf.tensor(Array.from({ length: outputShape.reduce((x, y) => x * y, 1) }, (_, i) => 0.3 + 0.7 * Math.sin(i + 1)), outputShape);
    const result = checkGradients((...xs) => tf.sum(tf.mul(layer.apply(xs), projection)), inputs, { epsilon: 1e-2, rtol: 2e-2, atol: 2e-3 });
    expect(result.checked).toBe(inputs.reduce((sum, t) => sum + t.size, 0));
    tf.dispose([...inputs, projection]);
  });

  it('leaks no tensors in forward and backward passes', () => {
    const layer = testCase.make();
    const inputs = tensorsOf(testCase.inputs);
    expectNoLeakedTensors(() => {
      for (let step = 0; step < 2; step++) {
        tf.tidy(() => {
          const gradients = tf.grads((...xs: tf.Tensor[]) => tf.sum(layer.apply(xs)) as tf.Scalar)(inputs);
          return [layer.apply(inputs), ...gradients];
        }).forEach((t) => t.dispose());
      }
    });
    tf.dispose(inputs);
  });
});

describe('merge errors', () => {
  it('name the layer and the shapes when inputs do not fit', () => {
    const x3 = tf.zeros([2, 3]);
    const x4 = tf.zeros([2, 4]);
    const seq = tf.zeros([2, 5, 3]);
    expect(() => add({ name: 'add_bad' }).apply([x3, x4])).toThrow("Add 'add_bad' expected inputs of the same rank whose dimensions match (or are 1), received shapes [null,3] and [null,4].");
    expect(() => multiply({ name: 'mul_bad' }).apply([x3, seq])).toThrow("Multiply 'mul_bad' expected inputs of the same rank whose dimensions match (or are 1), received shapes [null,3] and [null,5,3].");
    expect(() => subtract({ name: 'sub_3' }).apply([x3, x3, x3])).toThrow("Subtract 'sub_3' takes a list of exactly 2 input tensors, received 3.");
    expect(() => maximum({ name: 'max_1' }).apply(x3)).toThrow("Maximum 'max_1' takes a list of at least 2 input tensors, received 1.");
    expect(() => add({ name: 'add_batch' }).apply([x3, tf.zeros([3, 3])])).toThrow("Add 'add_batch' expected inputs with the same batch size, received shapes [2,3] and [3,3].");
    expect(() => concatenate({ name: 'cat_bad' }).apply([seq, tf.zeros([2, 4, 3])])).toThrow("Concatenate 'cat_bad' expected inputs of the same rank whose dimensions match except along axis -1, received shapes [null,5,3] and [null,4,3].");
    expect(() => concatenate({ name: 'cat_axis', axis: 3 }).apply([x3, x3])).toThrow("Invalid value for `axis` in Concatenate 'cat_axis'. Expected an axis of inputs of rank 2 other than the batch (1..1 or -1..-1); input shapes [null,3] and [null,3]. Received: 3.");
    expect(() => dot({ name: 'dot_bad', axes: 1 }).apply([x3, x4])).toThrow("Dot 'dot_bad' expected inputs of equal size along axes [1, 1], received shapes [null,3] and [null,4].");
    expect(() => dot({ name: 'dot_rank', axes: 1 }).apply([x3, seq])).toThrow("Dot 'dot_rank' expected two inputs of the same rank, 2 or 3 (batch included), received shapes [null,3] and [null,5,3].");
    tf.dispose([x3, x4, seq]);
  });

  it('validate options in the constructor', () => {
    expect(() => concatenate({ name: 'cat_0', axis: 0 })).toThrow("Invalid value for `axis` in Concatenate 'cat_0'. Expected a non-zero integer (axis 0 is the batch). Received: 0.");
    expect(() => dot({ name: 'dot_axes', axes: [1, 1.5] as [number, number] })).toThrow("Invalid value for `axes` in Dot 'dot_axes'. Expected a non-zero integer or two of them, e.g. 1 or [2, 2] (axis 0 is the batch). Received: [1, 1.5].");
    expect(() => dot({ name: 'dot_norm', axes: 1, normalize: 'yes' as never })).toThrow("Invalid value for `normalize` in Dot 'dot_norm'. Expected a boolean. Received: 'yes'.");
  });

  it('cosine of a zero vector is 0, not NaN (squared-norm floor 1e-12)', () => {
    const zero = tf.zeros([1, 3]);
    const one = tf.ones([1, 3]);
    const output = dot({ axes: 1, normalize: true }).apply([zero, one]);
    expectTensorsClose(output, [[0]], { atol: 0, rtol: 0 });
    tf.dispose([zero, one, output]);
  });
});
