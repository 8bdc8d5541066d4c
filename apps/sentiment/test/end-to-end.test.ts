// Tiny end-to-end runs on hand-written reviews (cpu backend): both models learn a
// separable toy task, and what training saves scores identically after loading.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadScorer, positiveProbabilities } from '../src/score.js';
import { evaluateInChunks, saveArtifacts, trainOnTexts } from '../src/train-model.js';
import { toTensors } from '../src/data.js';
import { binaryCrossentropy } from '@loom-ml/losses';
import { evaluate } from '@loom-ml/train';

const positive = ['a wonderful film', 'great acting and a wonderful story', 'i loved it', 'brilliant and moving', 'loved the great cast', 'wonderful, brilliant, great', 'a moving story i loved', 'great film'];
const negative = ['a terrible film', 'awful acting and a boring story', 'i hated it', 'dull and boring', 'hated the awful cast', 'terrible, dull, awful', 'a boring story i hated', 'awful film'];
const texts = positive.flatMap((p, i) => [p, negative[i]!]);
const labels = texts.map((_, i) => (i % 2 === 0 ? 1 : 0));
const options = { epochs: 30, batchSize: 4, learningRate: 0.02, maxLength: 8, maxWords: 100, seed: 7 };

describe.each(['lstm', 'average', 'bigrams', 'transformer'] as const)('%s on hand-written reviews', (model) => {
  it('fits the training reviews, and the saved model + tokenizer score identically', async () => {
    const before = tf.memory().numTensors;
    const result = await trainOnTexts({ ...options, model, bigramBuckets: 64 }, { texts, labels }, { texts, labels });
    // 16 separable reviews after 30 epochs: training accuracy must be perfect or nearly.
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9);
    const unseen = ['wonderful brilliant film', 'awful boring film'];
    const scores = positiveProbabilities({ model: result.model, tokenizer: result.tokenizer, maxLength: options.maxLength, bigramBuckets: result.bigramBuckets }, unseen);
    expect(scores[0]).toBeGreaterThan(scores[1]!);

    // The CLI evaluates in slices to show progress: the slices' weighted means equal one pass
    // (float32 sums in a different order: 1e-6).
    const data = toTensors(result.tokenizer, texts, labels, options.maxLength, result.bigramBuckets);
    const whole = await evaluate(result.model, data, { loss: binaryCrossentropy(), metrics: ['binaryAccuracy'], batchSize: 16 });
    const done: number[] = [];
    const sliced = await evaluateInChunks(result.model, data, binaryCrossentropy(), { update: (count) => done.push(count) }, 5);
    expect(done).toEqual([5, 10, 15, 16]);
    expect(sliced.accuracy).toBeCloseTo(whole.binaryAccuracy!, 6);
    expect(sliced.loss).toBeCloseTo(whole.loss!, 6);
    tf.dispose([data.x, data.y]);

    const outDir = await mkdtemp(join(tmpdir(), 'sentiment-'));
    const paths = await saveArtifacts(outDir, model, result, options.maxLength);
    const scorer = await loadScorer(paths.modelPath, paths.tokenizerPath);
    expect(scorer.bigramBuckets ?? 0).toBe(model === 'bigrams' ? 64 : 0);
    const reloaded = positiveProbabilities(scorer, unseen);
    reloaded.forEach((p, i) => expect(p).toBeCloseTo(scores[i]!, 6));
    scorer.model.dispose();
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('a validation run', () => {
  it("scores the held-out share after every epoch (fit's val_ metrics) and evaluates nothing else", async () => {
    const before = tf.memory().numTensors;
    // Train on the first 12 reviews, hold out the last 4 (balanced: labels alternate).
    const train = { texts: texts.slice(0, 12), labels: labels.slice(0, 12) };
    const heldOut = { texts: texts.slice(12), labels: labels.slice(12) };
    const result = await trainOnTexts({ ...options, epochs: 3, model: 'average' }, train, heldOut, { validation: true });
    expect(result.validationAccuracies).toHaveLength(3);
    for (const accuracy of result.validationAccuracies) expect([0, 0.25, 0.5, 0.75, 1]).toContain(accuracy);
    // The last epoch's validation score is what the run reports, and it is the model's accuracy on those reviews.
    expect(result.testAccuracy).toBe(result.validationAccuracies[2]);
    const data = toTensors(result.tokenizer, heldOut.texts, heldOut.labels, options.maxLength);
    const direct = await evaluate(result.model, data, { loss: binaryCrossentropy(), metrics: ['binaryAccuracy'], batchSize: 16 });
    expect(direct.binaryAccuracy).toBeCloseTo(result.testAccuracy, 6);
    expect(direct.loss).toBeCloseTo(result.testLoss, 5);
    tf.dispose([data.x, data.y]);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
