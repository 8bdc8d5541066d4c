// Every layer passes the same checks: output shape, save/load round trip, finite-difference
// gradients (inputs and weights), and no leaked tensors.
import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { deserializeModel, sequential, serializeModel } from '../src/index.js';
import { caseInput, layerCases, seededValues, withCallOptions, subjectOf, layersOf } from './layer-cases.js';

// float32 central differences with h = 1e-2: errors of O(h^2 * f''') plus rounding ~1e-4 / h.
const GRADIENT_TOLERANCE = { epsilon: 1e-2, rtol: 3e-2, atol: 3e-3 };

/** sum(layer(x) * r) with fixed random r, so that e.g. softmax's gradient is not trivially zero. */
function projection(outputShape: number[]): tf.Tensor {
  return tf.tensor(seededValues(outputShape.reduce((a, b) => a * b, 1), 99), outputShape);
}

describe.each(layerCases)('$label', (c) => {
  it('produces the expected output shape, and computeOutputShape agrees', () => {
    const layer = subjectOf(c);
    const x = caseInput(c);
    const y = withCallOptions(c, false, (options) => layer.apply(x, options));
    expect(y.shape).toEqual(c.expectedOutputShape);
    expect(layer.computeOutputShape([null, ...c.inputShape])).toEqual([null, ...c.expectedOutputShape.slice(1)]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('round-trips through serializeModel / deserializeModel with identical outputs', async () => {
    const model = sequential(layersOf(c.make()), { inputShape: c.inputShape });
    const x = caseInput(c);
    const copy = deserializeModel(await serializeModel(model));
    expect(copy.getConfig()).toEqual(model.getConfig());
    const expected = withCallOptions(c, false, (options) => model.apply(x, options)) as tf.Tensor;
    const actual = withCallOptions(c, false, (options) => copy.apply(x, options)) as tf.Tensor;
    expectTensorsClose(actual, expected, { rtol: 0, atol: 0 });
    tf.dispose([x, expected, actual]);
    model.dispose();
    copy.dispose();
  });

  it('has gradients that match finite differences (inputs and weights)', () => {
    const layer = subjectOf(c);
    const x = caseInput(c);
    const r = projection(c.expectedOutputShape);
    const training = c.training ?? false;
    const tolerance = { ...GRADIENT_TOLERANCE, epsilon: c.gradientEpsilon ?? GRADIENT_TOLERANCE.epsilon };
    const extra = c.callOptions?.() ?? {};
    const objective = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { ...extra, training }), r));
    layer.apply(x, extra).dispose(); // build
    if (c.idRange === undefined) {
      const result = checkGradients((input) => objective(input!), [x], tolerance);
      expect(result.checked).toBeGreaterThan(0);
    }
    for (const variable of layer.trainableWeights) {
      const { grads } = tf.variableGrads(() => objective(x) as tf.Scalar, [variable]);
      const analytic = grads[variable.name]!.dataSync();
      const original = variable.clone();
      const values = original.dataSync();
      const indices = Array.from({ length: Math.min(8, values.length) }, (_, k) => Math.floor((k * values.length) / Math.min(8, values.length)));
      for (const index of indices) {
        const at = (delta: number) => {
          const perturbed = Float32Array.from(values);
          perturbed[index]! += delta;
          variable.assign(tf.tensor(perturbed, variable.shape));
          return tf.tidy(() => objective(x).dataSync()[0]!);
        };
        const numeric = (at(tolerance.epsilon) - at(-tolerance.epsilon)) / (2 * tolerance.epsilon);
        variable.assign(original);
        expect(Math.abs(analytic[index]! - numeric), `${variable.name}[${index}]: analytic ${analytic[index]} vs numeric ${numeric}`).toBeLessThanOrEqual(
          GRADIENT_TOLERANCE.atol + GRADIENT_TOLERANCE.rtol * Math.abs(numeric),
        );
      }
      tf.dispose([original, grads[variable.name]!]);
    }
    tf.dispose([x, r, ...Object.values(extra).filter((v): v is tf.Tensor => v instanceof tf.Tensor)]);
    layer.dispose();
  });

  it('leaks no tensors in forward and backward passes', () => {
    const layer = subjectOf(c);
    const x = caseInput(c);
    const extra = c.callOptions?.() ?? {};
    layer.apply(x, extra).dispose(); // weights are created once, on the first call
    expectNoLeakedTensors(() => {
      for (let step = 0; step < 3; step++) {
        tf.tidy(() => {
          const y = layer.apply(x, { ...extra, training: c.training ?? false });
          if (layer.trainableWeights.length > 0) {
            const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { ...extra, training: true })) as tf.Scalar, layer.trainableWeights);
            tf.dispose([value, ...Object.values(grads)]);
          }
          return y;
        }).dispose();
      }
    });
    tf.dispose([x, ...Object.values(extra).filter((v): v is tf.Tensor => v instanceof tf.Tensor)]);
    layer.dispose();
  });
});

describe('dilated convolution', () => {
  it('equals tf.conv2d with dilations (forward, cpu reference)', async () => {
    const { conv2d: makeConv } = await import('../src/index.js');
    const layer = makeConv({ filters: 2, kernelSize: [2, 3], dilationRate: [2, 3], padding: 'valid', useBias: false, kernelInitializer: { name: 'glorotUniform', seed: 8 } });
    const x = tf.tensor(seededValues(2 * 9 * 10 * 3, 5), [2, 9, 10, 3]);
    const actual = layer.apply(x);
    const expected = tf.conv2d(x as tf.Tensor4D, layer.trainableWeights[0] as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 3]);
    expectTensorsClose(actual, expected, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, actual, expected]);
    layer.dispose();
  });
});
