// The folded ensemble against its definition: the merged network's logits are the mean of the
// members' logits (computed here member by member), it survives the bundle's save and load, and
// mismatched members are refused. Tiny random models on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { BANKING77_INTENTS } from '@loom-ml/datasets';
import { serializeModel } from '@loom-ml/layers';
import { describe, expect, it } from 'vitest';
import knowledgeBase from './knowledge-base.json' with { type: 'json' };
import { mergeMembers } from './ensemble.js';
import { Featurizer } from './features.js';
import { buildModel, predictLogits, sentenceEmbeddings } from './intent-model.js';
import { assistantFromFiles, type BundleJSON } from './model-bundle.js';

const texts = ['my card has not arrived', 'what is the exchange rate', 'my card has not come yet', 'exchange rate please', 'top up failed'];
const featurizer = Featurizer.fit(texts, { minCount: 1, maxFeatures: 24 });
const classes = BANKING77_INTENTS.length;
// Random weights of a larger scale than the initialisers' so the members disagree clearly.
const member = (dim: number, seed: number) => {
  const model = buildModel(featurizer.size, classes, { dim, dropout: 0, seed }, 24);
  model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 1, 'float32', seed * 10 + i)));
  return model;
};

describe('mergeMembers', () => {
  it('gives the mean of the members’ logits (to 1e-5) and their sentence embeddings side by side, without leaking tensors', () => {
    const members = [member(4, 1), member(6, 2), member(4, 3)];
    const before = tf.memory().numTensors;
    const merged = mergeMembers(members);
    const logits = members.map((m) => predictLogits(m, featurizer, texts));
    const expected = logits[0]!.map((_, i) => (logits[0]![i]! + logits[1]![i]! + logits[2]![i]!) / 3);
    const got = predictLogits(merged, featurizer, texts);
    expect(got).toHaveLength(texts.length * classes);
    got.forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThan(1e-5));
    // The merged bag is 14 wide: each member's (unnormalised) bag output, side by side.
    const bag = (m: (typeof members)[number], width: number) => {
      const out = m.layers[0]!.apply(tf.tensor2d(Array.from(featurizer.idsOf(texts[0]!)), [1, featurizer.idsOf(texts[0]!).length], 'int32')) as tf.Tensor;
      const values = Array.from(out.dataSync());
      expect(values).toHaveLength(width);
      return values;
    };
    tf.tidy(() => {
      const side = [...bag(members[0]!, 4), ...bag(members[1]!, 6), ...bag(members[2]!, 4)];
      bag(merged, 14).forEach((value, d) => expect(value).toBeCloseTo(side[d]!, 6));
    });
    expect(sentenceEmbeddings(merged, featurizer, texts)).toHaveLength(texts.length * 14);
    merged.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const m of members) m.dispose();
  });

  it('is the member itself for one member', () => {
    const single = member(4, 5);
    const merged = mergeMembers([single]);
    const a = predictLogits(single, featurizer, texts);
    predictLogits(merged, featurizer, texts).forEach((value, i) => expect(value).toBeCloseTo(a[i]!, 5));
    single.dispose();
    merged.dispose();
  });

  it('saves and loads as an ordinary bundle: the assistant built from the files answers with the ensemble', async () => {
    const members = [member(4, 7), member(4, 8)];
    const merged = mergeMembers(members);
    const bundle: BundleJSON = {
      format: 'support-desk-bundle',
      formatVersion: 1,
      trainedAt: '2026-12-03T00:00:00.000Z',
      intents: [...BANKING77_INTENTS],
      featurizer: featurizer.toJSON(),
      temperature: 1.5,
      threshold: 0.5,
      targetAccuracy: 0.97,
      knowledgeBase,
      evidence: { texts, labels: [0, 1, 0, 1, 2] },
    };
    const { assistant } = assistantFromFiles(JSON.parse(JSON.stringify(bundle)), await serializeModel(merged), 'ensemble');
    const logits = members.map((m) => predictLogits(m, featurizer, texts));
    const [reply] = assistant.reply([texts[2]!]);
    // The reply's confidences are the softmax of the members' mean logits at temperature 1.5.
    const row = Array.from({ length: classes }, (_, c) => (logits[0]![2 * classes + c]! + logits[1]![2 * classes + c]!) / 2 / 1.5);
    const top = Math.max(...row);
    const total = row.reduce((sum, v) => sum + Math.exp(v - top), 0);
    expect(reply!.intent).toBe(BANKING77_INTENTS[row.indexOf(top)]);
    expect(reply!.confidence).toBeCloseTo(1 / total, 5);
    expect(reply!.similar[0]!.text).toBe(texts[2]); // itself, in the merged (8 wide) embedding
    for (const m of [...members, merged, assistant.parts.model]) m.dispose();
  });

  it('refuses members that read other features or predict other classes, naming both', () => {
    const a = member(4, 1);
    const other = buildModel(featurizer.size + 3, classes, { dim: 4, dropout: 0, seed: 2 }, 24);
    const fewer = buildModel(featurizer.size, 5, { dim: 4, dropout: 0, seed: 2 }, 24);
    expect(() => mergeMembers([a, other])).toThrow(`mergeMembers: member 1 reads 24 ids of ${featurizer.size + 3} features into ${classes} classes; member 0 reads 24 ids of ${featurizer.size} features into ${classes} classes.`);
    expect(() => mergeMembers([a, fewer])).toThrow(/member 1 reads 24 ids of \d+ features into 5 classes/);
    expect(() => mergeMembers([])).toThrow('mergeMembers needs at least one member model.');
    for (const m of [a, other, fewer]) m.dispose();
  });
});
