// trainLoom with several members against the members trained one by one: the returned network's
// logits are the mean of the single models trained with the member seeds (a tiny run on the cpu
// backend, which is deterministic for a given seed).
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { EmbeddingBag } from './embedding-bag.js';
import { predictLogits } from './intent-model.js';
import { memberSeed, trainLoom } from './train-model.js';

const texts = ['my card has not arrived', 'where is my new card', 'card still not here', 'what is the exchange rate', 'exchange rate for euros', 'rate to convert dollars', 'top up failed', 'my top up did not work', 'top up declined'];
const data = { texts, labels: [0, 0, 0, 1, 1, 1, 2, 2, 2] };
const settings = { dim: 6, dropout: 0, epochs: 3, batchSize: 4, learningRate: 0.05, seed: 11, members: 1 };

it('trains one model per member seed and returns their mean, members * dim wide', async () => {
  const before = tf.memory().numTensors;
  const ensemble = await trainLoom(data, 3, { ...settings, members: 2 }, { minCount: 1, maxFeatures: 32 });
  const singles = [await trainLoom(data, 3, settings, { minCount: 1, maxFeatures: 32 }), await trainLoom(data, 3, { ...settings, seed: memberSeed(settings.seed, 1) }, { minCount: 1, maxFeatures: 32 })];
  expect((ensemble.model.layers[0] as EmbeddingBag).outputDim).toBe(12);
  const [a, b] = singles.map(({ model, featurizer }) => predictLogits(model, featurizer, texts));
  // The two members differ (different seeds), and the ensemble is their mean (to 1e-5).
  expect(a!.some((value, i) => Math.abs(value - b![i]!) > 1e-3)).toBe(true);
  predictLogits(ensemble.model, ensemble.featurizer, texts).forEach((value, i) => expect(Math.abs(value - (a![i]! + b![i]!) / 2)).toBeLessThan(1e-5));
  for (const { model } of [ensemble, ...singles]) model.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
