import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2d, dense, deserializeModel, dropout, flatten, maxPool2d, sequential } from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';

function smallCnn() {
  return sequential([
    conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1], kernelInitializer: { name: 'heNormal', seed: 1 } }),
    maxPool2d(),
    flatten(),
    dropout({ rate: 0.1, seed: 2 }),
    dense({ units: 3, kernelInitializer: { name: 'glorotUniform', seed: 3 } }),
  ]);
}

describe('Sequential', () => {
  it('creates weights up front and counts parameters (hand-computed)', () => {
    const model = smallCnn();
    // conv: 3*3*1*4 + 4 = 40; dense: (3*3*4)*3 + 3 = 111
    expect(model.countParams()).toBe(151);
    expect(model.trainableWeights.map((v) => v.shape)).toEqual([[3, 3, 1, 4], [4], [36, 3], [3]]);
    expect(model.outputShape).toEqual([null, 3]);
    const summary = model.summary();
    expect(summary).toMatch(/conv2d_\d+ \(Conv2D\)\s+\[null,6,6,4\]\s+40/);
    expect(summary).toMatch(/Total params: 151/);
    model.dispose();
  });

  it('names the model and the shapes when the input does not fit', () => {
    const model = sequential([dense({ units: 2, inputShape: [4] })], { name: 'tiny' });
    expect(() => model.apply(tf.zeros([3, 5]))).toThrow("Sequential 'tiny' expected input of shape [null,4], received shape [3,5].");
    expect(() => model.setWeights([tf.zeros([4, 3]), tf.zeros([2])])).toThrow(/setWeights for 'dense_\d+\/kernel' expected a tensor of shape \[4,2\], received shape \[4,3\]/);
    model.dispose();
  });

  it('asks for an input shape and refuses duplicate layer names', () => {
    expect(() => sequential([dense({ units: 2 })])).toThrow(/needs an input shape: give the first layer an inputShape/);
    expect(() => sequential([dense({ units: 2, inputShape: [2], name: 'a' }), dense({ units: 2, name: 'a' })])).toThrow(/two layers named 'a'/);
  });

  it('saves to a directory and to a single .loom file atomically, and loads identical outputs', async () => {
    const model = smallCnn();
    const dir = mkdtempSync(join(tmpdir(), 'loom-layers-'));
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 4);
    const expected = model.apply(x) as tf.Tensor;
    for (const path of [join(dir, 'model-dir'), join(dir, 'model.loom')]) {
      await saveModel(model, path);
      const loaded = await loadModel(path);
      expectTensorsClose(loaded.apply(x) as tf.Tensor, expected, { rtol: 0, atol: 0 });
      expect(loaded.getConfig()).toEqual(model.getConfig());
      loaded.dispose();
    }
    expect(readdirSync(join(dir, 'model-dir')).sort()).toEqual(['model.json', 'weights.bin']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    model.dispose();
  });

  it('keeps the previous file when a save fails', async () => {
    const model = sequential([dense({ units: 1, inputShape: [1] })]);
    const dir = mkdtempSync(join(tmpdir(), 'loom-layers-'));
    const path = join(dir, 'model.loom');
    await saveModel(model, path);
    const before = (await loadModel(path)).getWeights().map((w) => Array.from(w.dataSync()));
    // A directory where the temp file would go makes the write fail part-way.
    const broken = { ...model, get weights() { throw new Error('disk full'); } } as unknown as typeof model;
    await expect(saveModel(broken, path)).rejects.toThrow('disk full');
    expect(existsSync(path)).toBe(true);
    expect((await loadModel(path)).getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    model.dispose();
  });

  it('rejects bytes that are not a Loom model, naming the problem', () => {
    expect(() => deserializeModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow('The saved model is not a Loom model file: it starts with neither "LOOMSAFE" (format 2) nor "LOOM" (format 1). Was the file truncated or is it a different format?');
    expect(() => deserializeModel(new Uint8Array([0x4c, 0x4f, 0x4f, 0x4d, 255, 0, 0, 0, 1]))).toThrow(/truncated/);
  });

  it('dropout is identity at inference and zeroes about `rate` of inputs while training (seeded)', () => {
    const layer = dropout({ rate: 0.5, seed: 9 });
    const x = tf.ones([10, 100]);
    expectTensorsClose(layer.apply(x), x);
    const y = layer.apply(x, { training: true }).dataSync();
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(400);
    expect(zeros).toBeLessThan(600);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 2) < 1e-6)).toBe(true);
  });
});
