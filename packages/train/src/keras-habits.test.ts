// Keras habits get errors that answer them (issue 22): the positional fit(model, x, y), a loss
// or optimizer left to a compile() step Loom does not have, and training on a backend without
// registered gradients; predict is typed by the model's output count.
import * as tf from '@tensorflow/tfjs-core';
import { dense, input, model as functionalModel, sequential } from '@loom-ml/layers';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { TrainError } from './errors.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import { predict } from './predict.js';
import { withGradientHint } from './train-step.js';

const tensors: tf.Tensor[] = [];
afterEach(() => tf.dispose(tensors.splice(0)));
const data = () => {
  const x = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]);
  const y = tf.tensor2d([[1], [1], [0], [0]]);
  tensors.push(x, y);
  return { x, y };
};
const mlp = () => sequential([dense({ units: 4, activation: 'relu', inputShape: [2] }), dense({ units: 1, activation: 'sigmoid' })]);

describe('Keras habits', () => {
  it("fit(model, x, y) and evaluate(model, x, y) say what the signature is", async () => {
    const { x, y } = data();
    const model = mlp();
    const call = fit as unknown as (...args: unknown[]) => Promise<unknown>;
    await expect(call(model, x, y)).rejects.toThrow(TrainError);
    await expect(call(model, x, y)).rejects.toThrow(
      "fit takes (model, data, options), not Keras' (x, y): write fit(model, { x, y }, { loss, optimizer, epochs, ... }), with x and y inside one data object. Received: a tensor as `data` and a tensor as the options.",
    );
    await expect(call(model, x, { loss: 'binaryCrossentropy', optimizer: 'adam' })).rejects.toThrow('Received: a tensor as `data`.');
    await expect((evaluate as unknown as (...args: unknown[]) => Promise<unknown>)(model, x, y)).rejects.toThrow(
      "evaluate takes (model, data, options), not Keras' (x, y): write evaluate(model, { x, y }, { loss, metrics })",
    );
    model.dispose();
  });

  it('a missing loss or optimizer says fit takes what compile() takes', async () => {
    const model = mlp();
    await expect(fit(model, data(), { optimizer: 'adam' } as never)).rejects.toThrow(
      "Invalid value for `loss` in fit. Expected a loss name such as 'binaryCrossentropy' or 'sparseCategoricalCrossentropy', or a loss object from @loom-ml/losses (there is no compile() step, so fit takes what Keras' compile() takes: fit(model, { x, y }, { loss, optimizer, epochs, ... })). Received: undefined.",
    );
    await expect(fit(model, data(), { loss: 'binaryCrossentropy' } as never)).rejects.toThrow(
      "Invalid value for `optimizer` in fit. Expected an optimizer name such as 'adam', a gradient transformation such as adam({ learningRate: 1e-3 }) from @loom-ml/optimizers, or an Optimizer",
    );
    await expect(evaluate(model, data(), {} as never)).rejects.toThrow('Invalid value for `loss` in evaluate.');
    model.dispose();
  });

  it('training without registered gradients names the kernel and the fix', async () => {
    // The test set-up registered tfjs-core's gradients; take RealDiv's away for this test.
    const registry = (globalThis as unknown as { _tfGlobals: Map<string, Map<string, unknown>> })._tfGlobals.get('gradRegistry')!;
    const saved = registry.get('RealDiv');
    expect(saved).toBeDefined();
    registry.delete('RealDiv');
    const model = mlp();
    try {
      await expect(fit(model, data(), { loss: 'binaryCrossentropy', optimizer: 'adam' })).rejects.toThrow(
        "The backend 'cpu' has no gradient registered for the kernel RealDiv, which training needs: tfjs-core registers no gradients by itself. Call registerGradients() from @loom-ml/wasm once before training (initWasm() does it for you), or import '@tensorflow/tfjs' instead of tfjs-core alone.",
      );
    } finally {
      registry.set('RealDiv', saved);
      model.dispose();
    }
    expect(() => withGradientHint(() => { throw new Error('other'); })).toThrow(/^other$/);
  });

  it('predict is typed by the model: one tensor for a Sequential, a tensor or a list for a functional model', async () => {
    const sequentialModel = mlp();
    const probabilities = await predict(sequentialModel, data().x);
    expectTypeOf(probabilities).toEqualTypeOf<tf.Tensor>();
    expect(probabilities.shape).toEqual([4, 1]);
    const inputs = input({ shape: [2] });
    const functional = functionalModel({ inputs, outputs: [dense({ units: 1 }).connect(inputs), dense({ units: 2 }).connect(inputs)] });
    const outputs = await predict(functional, data().x);
    expectTypeOf(outputs).toEqualTypeOf<tf.Tensor | tf.Tensor[]>();
    expect(Array.isArray(outputs) && outputs.map((t) => t.shape)).toEqual([[4, 1], [4, 2]]);
    tf.dispose([probabilities, ...(Array.isArray(outputs) ? outputs : [outputs])]);
    sequentialModel.dispose();
    functional.dispose();
  });
});
