import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { importTfjsModel } from './import-tfjs-model.js';
import type { TfjsModelArtifacts } from './tfjs-artifacts.js';
import { saveToMemory } from './tfjs-layers-fixtures.js';
import { concatWeightData } from './tfjs-weights.js';

// A Dense(4 → 3) saved by tfjs-layers: weightSpecs dense/kernel [4, 3] then dense/bias [3].
async function mlp(): Promise<TfjsModelArtifacts> {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4], name: 'dense' })] });
  const artifacts = await saveToMemory(model);
  model.dispose();
  return artifacts;
}

describe('tfjs weights', () => {
  it('concatWeightData joins shards in order and accepts one buffer or a view', () => {
    const joined = concatWeightData([new Uint8Array([1, 2]).buffer, new Uint8Array([3]).buffer]);
    expect(Array.from(joined)).toEqual([1, 2, 3]);
    expect(Array.from(concatWeightData(new Uint8Array([9, 8]).buffer))).toEqual([9, 8]);
    expect(Array.from(concatWeightData(new Uint8Array([5, 6, 7]).subarray(1)))).toEqual([6, 7]);
    expect(concatWeightData(undefined).byteLength).toBe(0);
  });

  it('uint8-quantized weights are dequantized (value = q · scale + min)', async () => {
    const artifacts = await mlp();
    artifacts.weightSpecs = artifacts.weightSpecs!.map((spec) => ({ ...spec, quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }));
    artifacts.weightData = Uint8Array.from({ length: 15 }, (_, i) => i).buffer;
    const model = await importTfjsModel(artifacts);
    expectTensorsClose(Array.from(model.weights[0]!.variable.dataSync()), Array.from({ length: 12 }, (_, i) => i * 0.5 - 1), { atol: 0 });
    expectTensorsClose(Array.from(model.weights[1]!.variable.dataSync()), [5, 5.5, 6], { atol: 0 });
    model.dispose();
  });

  it("finds weights whose names carry the model's name as a prefix ('model/dense/kernel')", async () => {
    const artifacts = await mlp();
    artifacts.weightSpecs = artifacts.weightSpecs!.map((spec) => ({ ...spec, name: `model/${spec.name}` }));
    artifacts.weightData = new Float32Array(Array.from({ length: 15 }, (_, i) => i)).buffer;
    const model = await importTfjsModel(artifacts);
    expectTensorsClose(Array.from(model.weights[1]!.variable.dataSync()), [12, 13, 14], { atol: 0 });
    model.dispose();
  });

  it('accepts a tfjs io handler (anything with load()), e.g. tf.io.fromMemory', async () => {
    const artifacts = await mlp();
    artifacts.weightData = new Float32Array(Array.from({ length: 15 }, (_, i) => i / 10)).buffer;
    const model = await importTfjsModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expectTensorsClose(Array.from(model.weights[1]!.variable.dataSync()), [1.2, 1.3, 1.4], { atol: 1e-7 });
    model.dispose();
  });
});
