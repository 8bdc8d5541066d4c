import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { computeLoss, getLoss, sparseCategoricalCrossentropy } from './index.js';

it('runs the README example', () => {
  // --- README example (body) ---
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  const labels = tf.tensor1d([2, 0], 'int32');
  const logits = tf.tensor2d([[0.1, 0.2, 3.0], [2.0, -1.0, 0.0]]);
  const perSample = loss.perSample(labels, logits);                // shape [2]
  const mean = computeLoss(loss, labels, logits, { reduction: 'mean', sampleWeight: tf.tensor1d([1, 3]) });
  const same = getLoss({ name: loss.name, config: loss.getConfig() }); // saved and restored by name
  // --- end ---
  // Hand-computed: -log softmax(row)[label] = logSumExp(row) - row[label].
  const logSumExp = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
  const expected = [logSumExp([0.1, 0.2, 3]) - 3, logSumExp([2, -1, 0]) - 2];
  expect(Array.from(perSample.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 5)));
  expect(mean.dataSync()[0]).toBeCloseTo((expected[0]! + 3 * expected[1]!) / 4, 5);
  expect(same.getConfig()).toEqual({ fromLogits: true, labelSmoothing: 0 });
  tf.dispose([labels, logits, perSample, mean]);
});

it('the README shows exactly the code this test runs', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Example[^\n]*\n+```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  const body = /\/\/ --- README example \(body\) ---\n([\s\S]*?)\n\s*\/\/ --- end ---/.exec(self)?.[1] ?? '';
  const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('import'));
  expect(lines(body).length).toBeGreaterThan(3);
  expect(lines(block)).toEqual(lines(body));
});
