// Writes test/fixtures/tfjs/: a small tfjs-layers model (Embedding → LSTM → Dense) saved the
// way tfjs' file handlers save it (model.json + weight shards, here two so the loader's shard
// concatenation is exercised), and expected.json with tfjs-layers' own predictions on a fixed
// input. importTfjsModel's file-path test compares against those predictions.
//
//   node packages/layers/scripts/make-tfjs-fixture.mjs
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'tfjs');

async function writeAtomically(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

await tf.setBackend('cpu');
const model = tfl.sequential({
  name: 'fixture_lstm',
  layers: [
    tfl.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5, name: 'embedding' }),
    // sigmoid gates: tfjs' default hard_sigmoid has no Loom counterpart. Orthogonal (the
    // default recurrent initializer) needs tfjs chained ops, and the weights are overwritten anyway.
    tfl.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', name: 'lstm' }),
    tfl.layers.dense({ units: 3, activation: 'softmax', name: 'dense' }),
  ],
});
// Seeded values for every weight (biases included), so the fixture is reproducible.
const values = model.weights.map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 100 + i));
model.setWeights(values);
tf.dispose(values);

await model.save({
  async save(artifacts) {
    await mkdir(out, { recursive: true });
    const bytes = new Uint8Array(artifacts.weightData);
    const half = Math.floor(bytes.length / 8) * 4;
    const shards = [['group1-shard1of2.bin', bytes.slice(0, half)], ['group1-shard2of2.bin', bytes.slice(half)]];
    for (const [name, data] of shards) await writeAtomically(join(out, name), data);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: shards.map(([name]) => name), weights: artifacts.weightSpecs }],
    };
    await writeAtomically(join(out, 'model.json'), `${JSON.stringify(modelJson, null, 1)}\n`);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  },
});

const input = [[1, 2, 3, 4, 5], [11, 0, 0, 7, 3], [6, 6, 6, 6, 6]];
const prediction = model.predict(tf.tensor2d(input, undefined, 'float32'));
const expected = { generatedBy: `@tensorflow/tfjs-layers ${tfl.version_layers}`, input, output: await prediction.array() };
await writeAtomically(join(out, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
console.log(`wrote ${out}`);
