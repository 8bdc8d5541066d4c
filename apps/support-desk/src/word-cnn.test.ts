// The word CNN and its blend with the bag: the blend is the weighted mean of the two models'
// probabilities (checked against a softmax written out here), a bundle with the CNN saves and
// loads back to the same replies, a bundle naming a CNN is refused without a matching cnn.loom,
// and nothing leaks tensors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BANKING77_INTENTS } from '@loom-ml/datasets';
import { serializeModel } from '@loom-ml/layers';
import { describe, expect, it } from 'vitest';
import knowledgeBase from './knowledge-base.json' with { type: 'json' };
import { loadBundle, saveBundle } from './bundle-files.js';
import { Featurizer } from './features.js';
import { buildModel, predictLogits } from './intent-model.js';
import { assistantFromFiles, type BundleJSON } from './model-bundle.js';
import { blendLogits, buildWordCnn, DEFAULT_CNN_SETTINGS, trainWordCnn, WordVocabulary, wordCnnLogits } from './word-cnn.js';

const softmax = (row: number[]) => {
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

describe('blendLogits', () => {
  it('gives logits whose softmax is (1 - w) * bag + w * cnn probabilities', () => {
    const bag = Float32Array.from([2, 0, -1, 0.5, 0.5, 3]);
    const cnn = Float32Array.from([-1, 4, 0, 1, 0, 0]);
    for (const w of [0, 0.4, 1]) {
      const blended = blendLogits(bag, cnn, 3, w);
      for (let r = 0; r < 2; r++) {
        const expected = softmax([...bag.subarray(3 * r, 3 * r + 3)]).map((p, c) => (1 - w) * p + w * softmax([...cnn.subarray(3 * r, 3 * r + 3)])[c]!);
        // Float32 logits: 1e-6 relative.
        softmax([...blended.subarray(3 * r, 3 * r + 3)]).forEach((p, c) => expect(p).toBeCloseTo(expected[c]!, 6));
      }
    }
    expect(() => blendLogits(bag, cnn.subarray(0, 3), 3, 0.4)).toThrow(/the bag gave 6 logits and the CNN 3/);
    expect(() => blendLogits(bag, cnn, 3, 1.5)).toThrow(/weight must be from 0 to 1/);
  });
});

describe('WordVocabulary', () => {
  it('keeps the words seen minCount times, 0 for padding and 1 for unknown words', () => {
    const vocabulary = WordVocabulary.fit(['my card', 'my card is lost', 'my pin'], 2);
    expect(vocabulary.toJSON()).toEqual(['card', 'my']);
    const ids = vocabulary.idMatrix(['my card is gone'], 6);
    expect(Array.from(ids.dataSync())).toEqual([3, 2, 1, 1, 0, 0]);
    ids.dispose();
    expect(() => WordVocabulary.fromJSON(['a', 'a'], 'x/bundle.json')).toThrow(/Invalid value for `cnn.words` in x\/bundle.json/);
  });
});

describe('a bundle with the word CNN', () => {
  const texts = ['my card has not arrived', 'what is the exchange rate', 'my card has not come yet', 'exchange rate please', 'card still not here', 'the rate for euros'];
  const labels = [11, 32, 11, 32, 11, 32];
  const intents = [...BANKING77_INTENTS];
  const featurizer = Featurizer.fit(texts, { minCount: 1, maxFeatures: 32 });
  const settings = { ...DEFAULT_CNN_SETTINGS, epochs: 2, batchSize: 4, length: 8, dim: 4, filters: 6, minCount: 1, seed: 3 };

  it('trains, saves and loads back to the same replies, and refuses a missing or mismatched cnn.loom, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const bag = buildModel(featurizer.size, intents.length, { dim: 4, dropout: 0, seed: 1 }, 32);
    const cnn = await trainWordCnn({ texts, labels }, intents.length, settings);
    const bundle: BundleJSON = {
      format: 'support-desk-bundle',
      formatVersion: 1,
      trainedAt: '2026-12-03T00:00:00.000Z',
      intents,
      featurizer: featurizer.toJSON(),
      cnn: { words: cnn.vocabulary.toJSON(), weight: 0.4 },
      temperature: 1.3,
      threshold: 0.02,
      targetAccuracy: 0.97,
      knowledgeBase,
      evidence: { texts, labels },
    };
    const [modelBytes, cnnBytes] = [await serializeModel(bag), await serializeModel(cnn.model)];
    const queries = ['my card is not here', 'exchange rate for dollars'];
    // The assistant's probabilities are the blend of the two networks' (temperature applied to its log).
    const expected = blendLogits(predictLogits(bag, featurizer, queries), wordCnnLogits(cnn.model, cnn.vocabulary, queries), intents.length, 0.4);
    bag.dispose();
    cnn.model.dispose();

    const directory = await mkdtemp(join(tmpdir(), 'support-cnn-'));
    try {
      await saveBundle(directory, bundle, modelBytes, cnnBytes);
      const loaded = await loadBundle(directory);
      expect(loaded.bundle.cnn?.weight).toBe(0.4);
      expect(loaded.assistant.parts.cnn?.weight).toBe(0.4);
      const logits = loaded.assistant.logits(queries);
      logits.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
      const replies = loaded.assistant.reply(queries);
      const again = assistantFromFiles(JSON.parse(loaded.bundleText), modelBytes, 'again', cnnBytes).assistant;
      expect(again.reply(queries)).toEqual(replies);
      again.dispose();
      loaded.assistant.dispose();

      // A bundle without the CNN (saved before the blend) still loads: the bag alone.
      const { cnn: _, ...bagOnly } = bundle;
      const plain = assistantFromFiles(JSON.parse(JSON.stringify(bagOnly)), modelBytes, 'plain').assistant;
      expect(plain.parts.cnn).toBeUndefined();
      plain.dispose();

      expect(() => assistantFromFiles(JSON.parse(loaded.bundleText), modelBytes, 'nocnn')).toThrow(/nocnn\/bundle.json names a word CNN but no cnn.loom was given/);
      const other = buildWordCnn(cnn.vocabulary.size + 5, intents.length, settings);
      const otherBytes = await serializeModel(other);
      other.dispose();
      expect(() => assistantFromFiles(JSON.parse(loaded.bundleText), modelBytes, 'wrong', otherBytes)).toThrow(/wrong\/cnn.loom does not match bundle.json: .* word ids/);
      expect(() => assistantFromFiles(JSON.parse(loaded.bundleText), modelBytes, 'swapped', modelBytes)).toThrow(/swapped\/cnn.loom does not match bundle.json: its first layer is not an Embedding/);
      await expect(saveBundle(directory, bundle, modelBytes)).rejects.toThrow(/both or neither/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
