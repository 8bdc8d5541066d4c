// Every layer in the shared table runs forward and backward on Loom's WASM backend and agrees
// with the tfjs cpu backend (the reference) for the same weights and inputs.
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { initWasm, LOOM_WASM_BACKEND, type WasmBackendHandle } from '@loom-ml/wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseInput, layerCases, seededValues, withCallOptions, subjectOf, layersOf } from './layer-cases.js';

let handle: WasmBackendHandle | undefined;
beforeAll(async () => {
  handle = await initWasm({ threads: 1, setActive: false });
  // tfjs's IS_TEST per-kernel check miscounts customGrad ops (fused matMul/conv with a linear
  // activation) on the wasm backend inside variableGrads; a direct count of tf.memory() and of
  // the backend's data ids over 50 such calls shows no leak. Leaks are checked below instead.
  tf.env().set('IS_TEST', false);
});
afterAll(async () => {
  tf.env().set('IS_TEST', true);
  await handle?.dispose();
  await tf.setBackend('cpu');
});

async function forwardAndGradients(backend: string, run: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => run().map((t) => Float32Array.from(t.dataSync())));
}

describe.each(layerCases)('$label on loom-wasm', (c) => {
  it('matches the cpu backend forward and backward (rtol 1e-4, atol 1e-5)', async () => {
    // Weights are created on loom-wasm, so the wasm run never moves data between backends
    // mid-kernel (which tfjs's IS_TEST kernel leak check reports as a leak).
    await tf.setBackend(LOOM_WASM_BACKEND);
    const layer = subjectOf(c);
    const x = caseInput(c);
    withCallOptions(c, false, (options) => layer.apply(x, options)).dispose();
    const values = layer.weights.map((w) => w.variable.dataSync().slice());
    const projection = seededValues(c.expectedOutputShape.reduce((a, b) => a * b, 1), 99);
    const run = () => {
      // Same starting weights on both backends (training-mode layers update their statistics).
      layer.weights.forEach((w, i) => w.variable.assign(tf.tensor(values[i]!, w.variable.shape, w.variable.dtype)));
      const input = caseInput(c);
      const r = tf.tensor(projection, c.expectedOutputShape);
      const options = { ...c.callOptions?.(), training: c.training ?? false }; // inside forwardAndGradients' tidy
      const objective = () => tf.sum(tf.mul(layer.apply(input, options), r)) as tf.Scalar;
      const output = layer.apply(input, options);
      if (layer.trainableWeights.length === 0) return [output];
      const { grads } = tf.variableGrads(objective, layer.trainableWeights);
      return [output, ...layer.trainableWeights.map((v) => grads[v.name]!)];
    };
    const wasm = await forwardAndGradients(LOOM_WASM_BACKEND, run);
    const tensorsAfterFirstRun = tf.memory().numTensors;
    await forwardAndGradients(LOOM_WASM_BACKEND, run);
    expect(tf.memory().numTensors).toBe(tensorsAfterFirstRun);
    const cpu = await forwardAndGradients('cpu', run);
    cpu.forEach((expected, i) => expectTensorsClose(wasm[i]!, expected, { rtol: 1e-4, atol: 1e-5 }));
    await tf.setBackend('cpu');
    x.dispose();
    layer.dispose();
  });
});

describe('a functional model with every merge layer on loom-wasm', () => {
  it('matches the cpu backend forward and backward, inputs and weights (rtol 1e-4, atol 1e-5)', async () => {
    const { add, average, concatenate, dense, dot, flatten, input, maximum, minimum, model, multiply, subtract } = await import('../src/index.js');
    await tf.setBackend(LOOM_WASM_BACKEND);
    const a = input({ shape: [3, 4], name: 'a' });
    const b = input({ shape: [3, 4], name: 'b' });
    const shared = dense({ units: 4, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 51 } });
    const [ha, hb] = [shared.connect(a), shared.connect(b)];
    const pair = [ha, hb];
    const elementwise = concatenate({ axis: -1 }).connect([add().connect(pair), subtract().connect(pair), multiply().connect(pair), average().connect(pair), maximum().connect(pair), minimum().connect(pair)]);
    const scores = flatten().connect(dot({ axes: 2, normalize: true }).connect(pair)); // [null, 9]
    const joined = concatenate().connect([flatten().connect(elementwise), scores]);
    const merged = model({ inputs: [a, b], outputs: dense({ units: 2, kernelInitializer: { name: 'glorotUniform', seed: 52 } }).connect(joined) });
    const values = merged.weights.map((w) => w.variable.dataSync().slice());
    const run = () => {
      merged.weights.forEach((w, i) => w.variable.assign(tf.tensor(values[i]!, w.variable.shape, w.variable.dtype)));
      const xs = [tf.tensor(seededValues(24, 61), [2, 3, 4]), tf.tensor(seededValues(24, 62), [2, 3, 4])];
      const objective = (...inputs: tf.Tensor[]) => tf.sum(tf.mul(merged.apply(inputs) as tf.Tensor, tf.tensor([[1, -2], [0.5, 3]]))) as tf.Scalar;
      const inputGrads = tf.grads(objective)(xs);
      const { grads } = tf.variableGrads(() => objective(...xs), merged.trainableWeights);
      return [merged.apply(xs) as tf.Tensor, ...inputGrads, ...merged.trainableWeights.map((v) => grads[v.name]!)];
    };
    const wasm = await forwardAndGradients(LOOM_WASM_BACKEND, run);
    const cpu = await forwardAndGradients('cpu', run);
    expect(wasm).toHaveLength(2 + 1 + 4);
    cpu.forEach((expected, i) => expectTensorsClose(wasm[i]!, expected, { rtol: 1e-4, atol: 1e-5 }));
    await tf.setBackend('cpu');
    merged.dispose();
  });
});
