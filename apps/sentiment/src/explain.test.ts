// score --explain and the deletion test on a model whose answer is known: sigmoid of the sum of
// one number per word (an embedding of width 1, flattened, summed by a dense layer of ones).
import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer } from '@loom-ml/data';
import { dense, embedding, flatten, sequential } from '@loom-ml/layers';
import { expect, it } from 'vitest';
import { deletionExperiment, explainReviews, formatExplanation } from './explain.js';

// Ids by frequency: good 2, bad 3, film 4, plot 5 (ties alphabetical).
const tokenizer = new Tokenizer().fitOnTexts(['good good good bad bad film plot']);
const values = [0, 0, 1.5, -2, 0.1, -0.3]; // padding, unknown, good, bad, film, plot
const maxLength = 6;

function additiveScorer() {
  const model = sequential([embedding({ inputDim: 6, outputDim: 1 }), flatten(), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [maxLength] });
  model.setWeights([tf.tensor2d(values, [6, 1]), tf.ones([maxLength, 1]), tf.zeros([1])]);
  return { model, tokenizer, maxLength };
}

it('gives each word its share of the score in reading order, adding up to score − 0.5, and prints it with colour or signs', () => {
  const scorer = additiveScorer();
  const before = tf.memory().numTensors;
  const [review] = explainReviews(scorer, ['Good film, unseen plot! good'], { steps: 64 });
  expect(tf.memory().numTensors).toBe(before);
  // Unknown words keep their spelling; padding is not listed.
  expect(review!.words.map((w) => w.word)).toEqual(['good', 'film', 'unseen', 'plot', 'good']);
  const sum = 1.5 + 0.1 + 0 - 0.3 + 1.5;
  expect(review!.score).toBeCloseTo(1 / (1 + Math.exp(-sum)), 5);
  expect(review!.baselineScore).toBeCloseTo(0.5, 6);
  // Σ contributions = f(x) − f(padding) up to the quadrature error (64 trapezoid steps: 1e-4).
  expect(Math.abs(review!.completenessGap)).toBeLessThan(1e-4);
  // One path for all words of an additive model: each word gets (value / Σ values) of the change.
  review!.words.forEach((w, i) => expect(w.contribution).toBeCloseTo(([1.5, 0.1, 0, -0.3, 1.5][i]! / sum) * (review!.score - 0.5), 4));

  const plain = formatExplanation(review!, { colour: false });
  expect(plain).not.toContain('\u001b');
  expect(plain.split('\n')[0]).toMatch(/^0\.\d{4} {2}good\(\+0\.\d\d\) film\(\+0\.\d\d\) unseen\(\+0\.00\) plot\(-0\.\d\d\) good\(\+0\.\d\d\)$/);
  expect(plain.split('\n')[1]).toContain('most: good +');
  const coloured = formatExplanation(review!, { colour: true });
  // good (largest, up): full green; plot (down): red.
  expect(coloured).toContain('\u001b[48;2;40;170;60m\u001b[97mgood\u001b[0m');
  expect(coloured).toMatch(/\u001b\[48;2;\d+;\d+;\d+m\u001b\[30mplot\u001b\[0m/);
  scorer.model.dispose();
});

it('deleting the top attributed words moves an additive model more than deleting random ones', () => {
  const scorer = additiveScorer();
  const texts = ['good bad film plot good', 'bad bad plot film good', 'good film film plot bad', 'plot good bad bad film', 'film'];
  const before = tf.memory().numTensors;
  const result = deletionExperiment(scorer, texts, { words: 2, seed: 1, steps: 16, chunk: 2 });
  expect(tf.memory().numTensors).toBe(before);
  expect(result.reviews).toBe(4); // 'film' has fewer than 2 words
  expect(result.topDrop).toBeGreaterThan(result.randomDrop);
  // Deleting the two words that most support the predicted class never raises its probability.
  expect(result.topDrop).toBeGreaterThan(0);
  expect(result.topWins).toBeGreaterThanOrEqual(3);
  expect(result.largestGap).toBeLessThan(1e-3);
  scorer.model.dispose();
});
