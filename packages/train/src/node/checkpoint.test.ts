import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { adam, Optimizer } from '@loom-ml/optimizers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { FileRefusedError } from '@loom-ml/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meanSquaredError, mlp } from '../../test/doubles.js';
import { createCheckpoint, fit, restoreCheckpoint, TrainError, type CheckpointData } from '../index.js';
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

  it('validates its options', () => {
    expect(() => checkpoint({ directory: '' })).toThrow("Invalid value for `directory` in checkpoint. Expected a non-empty path. Received: ''.");
    expect(() => checkpoint({ directory, keep: 0 })).toThrow('Invalid value for `keep` in checkpoint. Expected a positive integer. Received: 0.');
    expect(() => checkpoint({ directory, maxBytes: 0 })).toThrow('Invalid value for `maxBytes` in checkpoint. Expected a positive integer. Received: 0.');
  });
});

/** Trains `epochs` epochs from a fresh seeded model, with a checkpoint callback in `dir`. */
async function trainRun(data: { x: tf.Tensor2D; y: tf.Tensor2D }, epochs: number, dir: string, extra: { resume?: boolean; notices?: string[] } = {}) {
  const model = mlp([3, 4, 1], { seed: 1 });
  const optimizer = new Optimizer(adam({ learningRate: 0.01 }), model.trainableWeights);
  const saver = checkpoint({ directory: dir, resume: extra.resume ?? false, onNotice: (m) => extra.notices?.push(m) });
  const history = await fit(model, data, { loss: meanSquaredError, optimizer, epochs, batchSize: 8, seed: 7, callbacks: [saver] });
  const result = { weights: weightValues(model), steps: optimizer.stepCount, resumedFrom: saver.resumedFrom, epochs: history.epochs };
  optimizer.dispose();
  model.dispose();
  return result;
}

describe('checkpoint durability and recovery', () => {
  it('flushes every checkpoint file and its folder to disk (fsync) before moving on', async () => {
    // FileHandle.sync is fsync(2); writeFileAtomic calls it on the temporary file and the folder.
    const probe = await open(path.join(directory, 'probe'), 'w');
    const fileHandlePrototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const sync = vi.spyOn(fileHandlePrototype, 'sync');
    try {
      const data = regression();
      await trainRun(data, 3, path.join(directory, 'run'));
      expect(sync.mock.calls.length).toBeGreaterThanOrEqual(2 * 3);
      tf.dispose([data.x, data.y]);
    } finally {
      sync.mockRestore();
    }
  });

  it.each([
    ['emptied', async (file: string) => truncate(file, 0)],
    ['truncated', async (file: string) => truncate(file, Math.floor((await readFile(file)).length / 2))],
    ['overwritten with a non-checkpoint', async (file: string) => writeFile(file, '{"hello": 1}')],
  ])('resume falls back to the newest checkpoint that validates when the newest is %s', async (_how, damage) => {
    const data = regression();
    const uninterrupted = await trainRun(data, 4, path.join(directory, 'full'));
    const run = path.join(directory, 'interrupted');
    await trainRun(data, 3, run); // "crashes" after epoch index 2 ...
    const newest = path.join(run, 'checkpoint-epoch-000002.json');
    await damage(newest); // ... leaving its last checkpoint damaged
    const notices: string[] = [];
    const resumed = await expectNoLeakedTensors(() => trainRun(data, 4, run, { resume: true, notices }));
    expect(resumed.resumedFrom).toBe(1);
    expect(resumed.epochs).toEqual([2, 3]);
    expect(resumed.weights).toEqual(uninterrupted.weights);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`moved it to '${newest}.invalid'`);
    expect(notices[0]).toContain(newest);
    expect((await readdir(run)).sort()).toEqual([
      'checkpoint-epoch-000001.json', 'checkpoint-epoch-000002.json', 'checkpoint-epoch-000002.json.invalid', 'checkpoint-epoch-000003.json',
    ]);
    tf.dispose([data.x, data.y]);
  });

  it('with every checkpoint damaged, starts from the beginning and keeps its new checkpoints', async () => {
    const data = regression();
    const uninterrupted = await trainRun(data, 2, path.join(directory, 'full'));
    const run = path.join(directory, 'damaged');
    await trainRun(data, 3, run);
    for (const file of await listCheckpoints(run)) await truncate(file, 0);
    const notices: string[] = [];
    const fresh = await trainRun(data, 2, run, { resume: true, notices });
    expect(fresh.resumedFrom).toBeUndefined();
    expect(fresh.weights).toEqual(uninterrupted.weights);
    expect(notices).toHaveLength(3);
    expect((await listCheckpoints(run)).map((f) => path.basename(f))).toEqual(['checkpoint-epoch-000000.json', 'checkpoint-epoch-000001.json']);
    tf.dispose([data.x, data.y]);
  });

  it('removes temporary files of interrupted writes (writer gone) on train begin, keeps live ones', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const orphan = `checkpoint-epoch-000007.json.${deadPid}.k2j3x9.tmp`;
    const live = `checkpoint-epoch-000007.json.${process.ppid}.a1b2c3.tmp`;
    await writeFile(path.join(directory, orphan), '{"format":"loom-chec');
    await writeFile(path.join(directory, live), '');
    const data = regression();
    await trainRun(data, 1, directory);
    expect((await readdir(directory)).sort()).toEqual(['checkpoint-epoch-000000.json', live]);
    tf.dispose([data.x, data.y]);
  });
});

describe('loadCheckpoint and restoreCheckpoint with damaged or hostile files', () => {
  async function validCheckpoint(): Promise<{ data: CheckpointData; model: ReturnType<typeof mlp>; optimizer: Optimizer }> {
    const model = mlp([3, 2], { seed: 1 });
    const optimizer = new Optimizer(adam({ learningRate: 0.01 }), model.trainableWeights);
    const data = JSON.parse(JSON.stringify(await createCheckpoint(model, optimizer, 4, { loss: 0.5 }))) as CheckpointData;
    return { data, model, optimizer };
  }

  const mutations: Array<[string, (data: any) => void, string]> = [
    ['another format', (d) => (d.format = 'other'), 'Invalid value for `format` in FILE. Expected a \'loom-checkpoint\' version 1 checkpoint. Received: {"format":"other","version":1}.'],
    ['a negative epoch', (d) => (d.epoch = -1), 'Invalid value for `epoch` in FILE. Expected a non-negative integer. Received: -1.'],
    ['weights that are not an array', (d) => (d.weights = {}), 'Invalid value for `weights` in FILE. Expected an array of weights. Received: {}.'],
    ['an unknown dtype', (d) => (d.weights[1].dtype = 'complex64'), "Invalid value for `weights[1].dtype` in FILE. Expected 'float32', 'int32' or 'bool'. Received: 'complex64'."],
    ['a negative dimension', (d) => (d.weights[0].shape = [-3, 2]), 'Invalid value for `weights[0].shape` in FILE. Expected an array of non-negative integers. Received: [-3, 2].'],
    ['a 20000x20000 shape over 6 values', (d) => (d.weights[0].shape = [20000, 20000]), 'Invalid value for `weights[0].values` in FILE. Expected 400000000 values (shape [20000, 20000]). Received: 6 values.'],
    ['a NaN that JSON turned into null', (d) => (d.weights[0].values[4] = null), 'Invalid value for `weights[0].values[4]` in FILE. Expected a finite number. Received: null.'],
    ['a string among the values', (d) => (d.weights[0].values[0] = '1'), "Invalid value for `weights[0].values[0]` in FILE. Expected a finite number. Received: '1'."],
    ['a damaged optimizer snapshot', (d) => (d.optimizer.stepCount = 1.5), 'Invalid value for `optimizer.stepCount` in FILE. Expected a non-negative integer. Received: 1.5.'],
    ['a null in the optimizer moments', (d) => (Object.values(d.optimizer.state[0].entries.mu.entries as Record<string, { values: unknown[] }>)[0]!.values[0] = null), 'Expected a finite number. Received: null.'],
    ['a non-finite log', (d) => (d.logs.loss = 'NaN'), "Invalid value for `logs.loss` in FILE. Expected a finite number. Received: 'NaN'."],
  ];

  it.each(mutations)('loadCheckpoint refuses %s, naming the file and the field, before making a tensor', async (_what, mutate, message) => {
    const { data, model, optimizer } = await validCheckpoint();
    mutate(data);
    const file = path.join(directory, 'checkpoint-epoch-000004.json');
    await writeFile(file, JSON.stringify(data));
    const before = tf.scalar(0);
    const error = await loadCheckpoint(file).catch((e: unknown) => e);
    const after = tf.scalar(0);
    expect(error).toBeInstanceOf(TrainError);
    expect((error as Error).message).toContain(message.replace('FILE', `checkpoint file '${file}'`));
    expect(after.id - before.id).toBe(1); // no tensor made in between
    // restoreCheckpoint checks the same things when handed the object directly (from IndexedDB, say).
    expect(() => restoreCheckpoint(model, optimizer, data)).toThrow(TrainError);
    tf.dispose([before, after]);
    optimizer.dispose();
    model.dispose();
  });

  it('refuses empty, non-UTF-8 and truncated files with a TrainError naming the file', async () => {
    const file = path.join(directory, 'c.json');
    for (const [bytes, why] of [
      [new Uint8Array(0), 'an empty file'],
      [new Uint8Array([0x7b, 0xff, 0x7d]), 'not valid UTF-8'],
      [new TextEncoder().encode('{"format":"loom-chec'), 'not valid JSON: truncated or damaged'],
    ] as const) {
      await writeFile(file, bytes);
      await expect(loadCheckpoint(file)).rejects.toThrow(
        new TrainError(`Invalid value for \`file\` in loadCheckpoint. Expected a checkpoint JSON file. Received: '${file}' (${why}).`),
      );
    }
  });

  it('refuses a file over maxBytes before reading it, and devices', async () => {
    const { data, model, optimizer } = await validCheckpoint();
    const file = path.join(directory, 'c.json');
    await writeFile(file, JSON.stringify(data));
    await expect(loadCheckpoint(file, { maxBytes: 100 })).rejects.toThrow(FileRefusedError);
    await expect(loadCheckpoint(file, { maxBytes: 100 })).rejects.toThrow('more than the limit of 100');
    await expect(loadCheckpoint('/dev/zero')).rejects.toThrow('is not a regular file');
    expect((await loadCheckpoint(file)).epoch).toBe(4);
    optimizer.dispose();
    model.dispose();
  });

  it('resume does not skip a file refused for its size: it says to raise maxBytes', async () => {
    const data = regression();
    await trainRun(data, 1, directory);
    const model = mlp([3, 4, 1], { seed: 1 });
    const optimizer = new Optimizer(adam({ learningRate: 0.01 }), model.trainableWeights);
    await expect(
      fit(model, data, { loss: meanSquaredError, optimizer, epochs: 2, callbacks: [checkpoint({ directory, resume: true, maxBytes: 10 })] }),
    ).rejects.toThrow('raise maxBytes');
    expect(await readdir(directory)).toEqual(['checkpoint-epoch-000000.json']);
    optimizer.dispose();
    model.dispose();
    tf.dispose([data.x, data.y]);
  });

  it('restoreCheckpoint refuses another dtype or shape, or a bad optimizer snapshot, and then changes neither model nor optimizer', async () => {
    const { data, model, optimizer } = await validCheckpoint();
    const weightsBefore = weightValues(model);
    const stateBefore = await optimizer.getState();
    const int32 = structuredClone(data);
    int32.weights[1]!.dtype = 'int32';
    expect(() => restoreCheckpoint(model, optimizer, int32)).toThrow(
      "Invalid value for `weights[1].dtype` in restoreCheckpoint. Expected 'float32' (as the model's weight). Received: 'int32'.",
    );
    const reshaped = structuredClone(data);
    reshaped.weights[0] = { shape: [2, 3], dtype: 'float32', values: [1, 2, 3, 4, 5, 6] };
    expect(() => restoreCheckpoint(model, optimizer, reshaped)).toThrow('Invalid value for `weights[0]` in restoreCheckpoint. Expected shape [3, 2]. Received: [2, 3].');
    const otherOptimizer = structuredClone(data);
    otherOptimizer.weights[0]!.values = [9, 9, 9, 9, 9, 9];
    otherOptimizer.optimizer.variables = ['a', 'b', 'c'];
    expect(() => restoreCheckpoint(model, optimizer, otherOptimizer)).toThrow('Invalid value for `variables` in Optimizer.setState');
    expect(weightValues(model)).toEqual(weightsBefore);
    expect(await optimizer.getState()).toEqual(stateBefore);
    optimizer.dispose();
    model.dispose();
  });
});
