import { expect, it } from 'vitest';
import { buildModel } from './model.js';

// A seed must fix every weight: the browser test trains a tiny model and checks what the page
// writes with it, which only holds run to run if the model is the same run to run.
it('buildModel gives the same weights, bit for bit, for the same seed (and others for another)', () => {
  const config = { vocabularySize: 300, context: 16, embeddingDim: 16, layers: 2, heads: 2, dropout: 0 };
  const [a, b, c] = [11, 11, 12].map((seed) => buildModel(config, seed));
  const values = (model: typeof a) => model!.getWeights().map((w) => Array.from(w.dataSync()));
  const [wa, wb, wc] = [a, b, c].map(values);
  expect(wa!.length).toBeGreaterThan(10);
  expect(wb).toEqual(wa);
  wa!.forEach((w, i) => w.some((v) => v !== 0 && v !== 1) && expect(wc![i]).not.toEqual(w));
  [a, b, c].forEach((m) => m!.dispose());
});

it('buildModel puts the activation in every block and, untied, a dense output layer of the vocabulary size', () => {
  const config = { vocabularySize: 50, context: 8, embeddingDim: 16, layers: 2, heads: 2, dropout: 0 };
  const tied = buildModel(config, 3);
  const dense = buildModel({ ...config, activation: 'relu', tiedOutput: false }, 3);
  expect(tied.layers.at(-1)!.className).toBe('TiedLogits');
  expect(dense.layers.at(-1)!.className).toBe('Dense');
  expect(dense.countParams() - tied.countParams()).toBe(16 * 50 + 50); // the output kernel and bias
  const activations = (model: typeof tied) => model.layers.filter((l) => l.className === 'TransformerDecoder').map((l) => (l as unknown as { activation: string }).activation);
  expect(activations(dense)).toEqual(['relu', 'relu']);
  expect(activations(tied)).toEqual(['gelu', 'gelu']);
  [tied, dense].forEach((m) => m.dispose());
});
