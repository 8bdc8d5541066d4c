// The pieces of `pnpm compress` and `pnpm distill` on a tiny problem (8 inputs, 3 classes, a few
// hundred samples, cpu backend): seconds, not the minutes of the MNIST runs.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dense, deserializeModel, sequential } from '@loom-ml/layers';
import { sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { adam } from '@loom-ml/optimizers';
import { fit } from '@loom-ml/train';
import { accuracyOf, buildStudent, distil, formatSparsityTable, formatStorageTable, measureStorage, pruneWhileFineTuning } from './compression.js';

/** Seeded points in 8 dimensions, labelled by which of 3 fixed directions they point to most. */
function blobs(count: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D; labels: Int32Array } {
  const { x, y } = tf.tidy(() => {
    const x = tf.randomNormal([count, 8], 0, 1, 'float32', seed) as tf.Tensor2D;
    const directions = tf.randomNormal([8, 3], 0, 1, 'float32', 7);
    return { x, y: tf.argMax(tf.matMul(x, directions), 1) as tf.Tensor1D };
  });
  return { x, y, labels: y.dataSync() as Int32Array };
}

function tinyModel(seed: number) {
  return sequential([
    dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: { name: 'heNormal', seed } }),
    dense({ units: 3, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 } }),
  ]);
}

/** Accuracy computed here, independently of `evaluate`: argmax of the logits against the labels. */
function argmaxAccuracy(logits: tf.Tensor, labels: Int32Array): number {
  const predicted = tf.tidy(() => Array.from(tf.argMax(logits, 1).dataSync()));
  return predicted.filter((p, i) => p === labels[i]).length / labels.length;
}

const settings = { epochs: 3, batchSize: 32, learningRate: 0.02, seed: 1, quiet: true };

describe('compression pieces', () => {
  it('measureStorage: float32, int8 and float16 files, their sizes and the accuracy of each loaded back', async () => {
    const before = tf.memory().numTensors;
    const test = blobs(200, 2);
    const model = tinyModel(3);
    const rows = await measureStorage(model, test);
    expect(rows.map((row) => row.format)).toEqual(['float32', 'int8', 'float16']);
    const [float32, int8, float16] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    // The float32 file loads back bit for bit: its accuracy is the model's own, computed here.
    const logits = model.apply(test.x) as tf.Tensor;
    expect(float32.accuracy).toBe(argmaxAccuracy(logits, test.labels));
    expect(float32.pointsLost).toBe(0);
    expect(float32.smaller).toBe(1);
    expect(float32.bytes).toBe(float32.file.length);
    // A model this small is mostly header (int8 adds a scales tensor per kernel to it), so only
    // both being smaller is checked here; the MNIST sizes are in the README.
    expect(int8.bytes).toBeLessThan(float32.bytes);
    expect(float16.bytes).toBeLessThan(float32.bytes);
    expect(int8.smaller).toBe(float32.bytes / int8.bytes);
    expect(int8.gzipBytes).toBeGreaterThan(0);
    // The int8 file's model predicts within the quantisation error (each weight within half a step).
    const loaded = deserializeModel(int8.file);
    const loadedLogits = loaded.apply(test.x) as tf.Tensor;
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(logits, loadedLogits))).dataSync()[0]!);
    expect(gap).toBeLessThan(0.05);
    expect(int8.accuracy).toBe(argmaxAccuracy(loadedLogits, test.labels));
    expect(int8.pointsLost).toBeCloseTo(100 * (float32.accuracy - int8.accuracy), 10);
    tf.dispose([logits, loadedLogits, test.x, test.y]);
    loaded.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(formatStorageTable([{ name: 'tiny', rows }])).toContain('| tiny | int8 |');
  });

  it('pruneWhileFineTuning: every kernel at the target sparsity, exactly zero, biases untouched, still accurate', async () => {
    const train = blobs(400, 4);
    const test = blobs(200, 5);
    const model = tinyModel(6);
    const before = tf.memory().numTensors;
    const result = await pruneWhileFineTuning(model, train, { ...settings, sparsity: 0.5 });
    expect(tf.memory().numTensors).toBe(before);
    // 3 epochs of ceil(360 / 32) = 12 steps: polynomial decay over the first 10, masks every step.
    expect(result.schedule).toEqual({ totalSteps: 36, endStep: 10, frequency: 1 });
    expect(result.layers.map((layer) => [layer.path, layer.size])).toEqual([
      [model.layers[0]!.name + '/kernel', 8 * 16],
      [model.layers[1]!.name + '/kernel', 16 * 3],
    ]);
    for (const layer of result.layers) expect(layer.zeros).toBe(Math.round(layer.size * 0.5));
    // Counted in the weights themselves, independently of report().
    const kernels = model.weights.filter((w) => w.path.endsWith('/kernel'));
    for (const { variable } of kernels) expect(Array.from(variable.dataSync()).filter((v) => v === 0).length).toBe(variable.size / 2);
    for (const { variable } of model.weights.filter((w) => w.path.endsWith('/bias'))) expect(Array.from(variable.dataSync()).some((v) => v !== 0)).toBe(true);
    expect(await accuracyOf(model, test)).toBeGreaterThan(0.8);
    expect(formatSparsityTable('tiny', result.layers)).toContain('| all pruned weights | 176 | 88 | 50.00% |');
    tf.dispose([train.x, train.y, test.x, test.y]);
    model.dispose();
  });

  it('distil: the student on the teacher and the same student alone, same start, both evaluated', async () => {
    const train = blobs(400, 8);
    const test = blobs(200, 9);
    const teacher = tinyModel(10);
    await fit(teacher, train, { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adam({ learningRate: 0.02 }), epochs: 3, batchSize: 32, seed: 1 });
    const before = tf.memory().numTensors;
    const built: number[][] = [];
    const build = () => {
      const student = buildStudent(4, 11, 8, 3);
      built.push(Array.from(student.weights[0]!.variable.dataSync()));
      return student;
    };
    const lines: string[] = [];
    const result = await distil(teacher, build, { train, teacherInputs: train.x, test, teacherTest: test.x }, { ...settings, temperature: 4, alpha: 0.1 }, (line) => lines.push(line));
    expect(tf.memory().numTensors).toBe(before);
    expect(built).toHaveLength(2);
    expect(built[1]).toEqual(built[0]); // the same initial weights
    expect(result.teacher).toBe(await accuracyOf(teacher, test));
    expect(result.teacher).toBeGreaterThan(0.8);
    for (const accuracy of [result.distilled, result.alone]) expect(accuracy).toBeGreaterThan(0.6);
    expect(lines).toEqual([
      'Training the student on the teacher (T = 4, alpha = 0.1), 3 epoch(s).',
      'Training the student alone (labels only), 3 epoch(s).',
    ]);
    tf.dispose([train.x, train.y, test.x, test.y]);
    teacher.dispose();
  });
});
