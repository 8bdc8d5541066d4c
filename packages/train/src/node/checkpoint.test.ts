import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { adam, Optimizer } from '@loom-ml/optimizers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meanSquaredError, mlp } from '../../test/doubles.js';
import { fit } from '../index.js';
import { checkpoint, listCheckpoints, loadCheckpoint } from '../node.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'loom-train-checkpoint-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function regression(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = tf.randomNormal([24, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
  const y = tf.tidy(() => tf.matMul(x, tf.tensor2d([[1], [-2], [0.5]]))) as tf.Tensor2D;
  return { x, y };
}

const weightValues = (model: ReturnType<typeof mlp>): number[][] => model.trainableWeights.map((w) => Array.from(w.dataSync()));

describe('checkpoint', () => {
  it('keeps the newest N files and stores weights and optimizer state', async () => {
    const model = mlp([3, 4, 1], { seed: 1 });
    const data = regression();
    const optimizer = new Optimizer(adam({ learningRate: 0.01 }), model.trainableWeights);
    await fit(model, data, { loss: meanSquaredError, optimizer, epochs: 5, batchSize: 8, seed: 1, callbacks: [checkpoint({ directory, keep: 2 })] });
    const files = await listCheckpoints(directory);
    expect(files.map((f) => path.basename(f))).toEqual(['checkpoint-epoch-000003.json', 'checkpoint-epoch-000004.json']);
    const saved = await loadCheckpoint(files[1]!);
    expect(saved.epoch).toBe(4);
    expect(saved.optimizer.stepCount).toBe(15); // 5 epochs x 3 batches
    expect(saved.weights.map((w) => w.values)).toEqual(weightValues(model));
    optimizer.dispose();
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  it('resumes from the newest checkpoint and ends exactly where an uninterrupted run ends', async () => {
    const data = regression();
    const train = async (epochs: number, resume: boolean, dir: string) => {
      const model = mlp([3, 4, 1], { seed: 1 });
      const optimizer = new Optimizer(adam({ learningRate: 0.01 }), model.trainableWeights);
      const saver = checkpoint({ directory: dir, resume });
      const history = await fit(model, data, { loss: meanSquaredError, optimizer, epochs, batchSize: 8, seed: 7, callbacks: [saver] });
      const result = { weights: weightValues(model), steps: optimizer.stepCount, resumedFrom: saver.resumedFrom, epochs: history.epochs };
      optimizer.dispose();
      model.dispose();
      return result;
    };
    const uninterrupted = await train(4, false, path.join(directory, 'full'));
    const interruptedDirectory = path.join(directory, 'interrupted');
    await train(2, false, interruptedDirectory); // "crashes" after epoch index 1
    const resumed = await expectNoLeakedTensors(() => train(4, true, interruptedDirectory));
    expect(resumed.resumedFrom).toBe(1);
    expect(resumed.epochs).toEqual([2, 3]);
    expect(resumed.steps).toBe(uninterrupted.steps);
    // Same seed, restored Adam moments and shuffling order: identical to the uninterrupted run.
    expect(resumed.weights).toEqual(uninterrupted.weights);
    tf.dispose([data.x, data.y]);
  });

  it('a write that fails leaves the previous checkpoint intact and no temporary file', async () => {
    const model = mlp([3, 1], { seed: 1 });
    const data = regression();
    const optimizer = new Optimizer(adam({ learningRate: 0.01 }), model.trainableWeights);
    // The second checkpoint's path is taken by a non-empty folder, so its rename fails after the
    // temporary file was written in full.
    await mkdir(path.join(directory, 'checkpoint-epoch-000001.json'));
    await writeFile(path.join(directory, 'checkpoint-epoch-000001.json', 'occupied'), '');
    await expect(
      fit(model, data, { loss: meanSquaredError, optimizer, epochs: 3, batchSize: 8, callbacks: [checkpoint({ directory })] }),
    ).rejects.toThrow();
    expect((await readdir(directory)).sort()).toEqual(['checkpoint-epoch-000000.json', 'checkpoint-epoch-000001.json']);
    const survivor = await loadCheckpoint(path.join(directory, 'checkpoint-epoch-000000.json'));
    expect(survivor.epoch).toBe(0);
    expect(survivor.optimizer.stepCount).toBe(3);
    optimizer.dispose();
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  it('rejects a file that is not a checkpoint, naming it', async () => {
    const file = path.join(directory, 'checkpoint-epoch-000000.json');
    await writeFile(file, '{"hello": 1}');
    await expect(loadCheckpoint(file)).rejects.toThrow(`Invalid value for \`file\` in loadCheckpoint. Expected a 'loom-checkpoint' version 1 file. Received: '${file}'.`);
    await writeFile(file, '{"trunc');
    await expect(loadCheckpoint(file)).rejects.toThrow('(not valid JSON)');
  });

  it('validates its options', () => {
    expect(() => checkpoint({ directory: '' })).toThrow("Invalid value for `directory` in checkpoint. Expected a non-empty path. Received: ''.");
    expect(() => checkpoint({ directory, keep: 0 })).toThrow('Invalid value for `keep` in checkpoint. Expected a positive integer. Received: 0.');
  });
});
