import 'fake-indexeddb/auto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ChecksumError, encodeContainer, FileRefusedError, InvalidFileError, LoomError, decodeContainer } from '@loom-ml/core';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoencoderDetector } from './autoencoder-detector.js';
import { FraudError } from './errors.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { IsolationForest } from './isolation-forest.js';
import { IsotonicCalibrator } from './isotonic-regression.js';
import { LogisticRegression } from './logistic-regression.js';
import { MlpClassifier } from './mlp-classifier.js';
import { deserializeFraudModel, serializeFraudModel, type SavableFraudModel } from './model-bytes.js';
import { loadFraudModel as loadFromFile, saveFraudModel as saveToFile } from './model-files.js';
import { loadFraudModel, saveFraudModel } from './model-storage.js';
import { PlattScaling } from './platt-scaling.js';
import { seededRandom } from './random.js';
import { StackingClassifier, type FittedScorer } from './stacking-classifier.js';
import { TabularEncoder } from './tabular-encoder.js';

// Two features, the label a noisy threshold on their sum.
const random = seededRandom(3);
const rows = Array.from({ length: 120 }, () => [random() * 2 - 1, random() * 2 - 1]);
const labels = rows.map(([a, b]) => (a! + b! + (random() - 0.5) * 0.4 > 0 ? 1 : 0));
const logistic = await LogisticRegression.fit(rows, labels, { epochs: 5, seed: 1 });
const mlp = await MlpClassifier.fit(rows, labels, { hiddenUnits: [6], epochs: 2, seed: 1 });
const autoencoder = await new AutoencoderDetector({ hiddenUnits: [1], epochs: 2, seed: 1 }).fit(rows);
const forest = new IsolationForest({ trees: 10, sampleSize: 32, seed: 1 }).fit(rows);
const trees = new GradientBoostedTrees({ trees: 5, maxDepth: 2, seed: 1 }).fit(rows, labels);
const platt = new PlattScaling().fit(logistic.logOdds(rows), labels);
const isotonic = new IsotonicCalibrator().fit(logistic.predictProba(rows), labels);
const encoder = TabularEncoder.fit([{ income: 1, grade: 'A' }, { income: 3, grade: 'B' }, { income: null, grade: 'A' }], { numeric: ['income'], categorical: ['grade'] });
const asScorer = (model: LogisticRegression): FittedScorer => ({ score: (r) => model.predictProba(r), toJSON: () => model.toJSON() });
const stack = await StackingClassifier.fit(rows, labels, [{ name: 'logistic', fit: async (r, y) => asScorer(await LogisticRegression.fit(r, y, { epochs: 3, seed: 2 })) }, { name: 'forest', fit: (r) => new IsolationForest({ trees: 5, seed: 2 }).fit(r) }], { folds: 3, seed: 1 });
const loadBase = (saved: unknown, name: string): FittedScorer => (name === 'forest' ? IsolationForest.fromJSON(saved as never) : asScorer(LogisticRegression.fromJSON(saved as never)));

/** Scores of a model on the rows, whatever kind it is. */
function scores(model: SavableFraudModel): number[] {
  if (model instanceof TabularEncoder) return model.transform([{ income: 2, grade: 'B' }]).flat();
  if (model instanceof PlattScaling || model instanceof IsotonicCalibrator) return Array.from(model.predict([-1, 0, 0.3, 2]));
  if (model instanceof IsolationForest || model instanceof AutoencoderDetector) return Array.from(model.score(rows.slice(0, 10)));
  return Array.from(model.predictProba(rows.slice(0, 10)) as ArrayLike<number>);
}

const models: [string, SavableFraudModel][] = [
  ['LogisticRegression', logistic],
  ['MlpClassifier', mlp],
  ['AutoencoderDetector', autoencoder],
  ['IsolationForest', forest],
  ['GradientBoostedTrees', trees],
  ['PlattScaling', platt],
  ['IsotonicCalibrator', isotonic],
  ['TabularEncoder', encoder],
  ['StackingClassifier', stack],
];
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('serializeFraudModel / deserializeFraudModel', () => {
  it.each(models)('%s round-trips through bytes, scoring bit for bit the same', (_, model) => {
    const bytes = serializeFraudModel(model);
    const restored = deserializeFraudModel(bytes, { loadModel: loadBase });
    expect(restored.constructor).toBe(model.constructor);
    expect(scores(restored)).toEqual(scores(model));
    // The long numeric arrays are tensors; what stays in the JSON header is small.
    expect(decodeContainer(bytes).metadata).toMatchObject({ format: 'loom-ml/fraud-detection', version: 1 });
  });

  it('keeps weights as float32 tensors and calibration points as float64', () => {
    const mlpTensors = decodeContainer(serializeFraudModel(mlp)).tensors;
    expect(mlpTensors.map((t) => t.dtype)).toContain('float32');
    // An increasing target leaves 20 points, with values (k / 30) that float32 would round.
    const points = Array.from({ length: 20 }, (_, k) => k / 20);
    const fine = new IsotonicCalibrator().fit(points, points.map((p) => p / 1.5));
    expect(decodeContainer(serializeFraudModel(fine)).tensors.map((t) => t.dtype)).toEqual(['float64', 'float64']);
    expect((deserializeFraudModel(serializeFraudModel(fine)) as IsotonicCalibrator).fittedPoints).toEqual(fine.fittedPoints);
  });

  it('still reads the plain JSON text of toJSON(), through the same checks', () => {
    const text = new TextEncoder().encode(JSON.stringify(forest.toJSON()));
    expect(scores(deserializeFraudModel(text))).toEqual(scores(forest));
    const bad = new TextEncoder().encode(JSON.stringify({ ...logistic.toJSON(), bias: 'x' }));
    expect(() => deserializeFraudModel(bad)).toThrow('Invalid value for `bias` in LogisticRegression.fromJSON. Expected a finite number.');
    expect(() => deserializeFraudModel(new TextEncoder().encode('{"format": "loom-ml/logist'))).toThrow(InvalidFileError);
    expect(() => deserializeFraudModel(new Uint8Array([1, 2, 3]))).toThrow(FraudError);
  });

  it('asks for loadModel to rebuild a stacking classifier', () => {
    expect(() => deserializeFraudModel(serializeFraudModel(stack))).toThrow('Invalid value for `loadModel` in deserializeFraudModel.');
  });
});

describe('deserializeFraudModel refuses containers that do not hold what they say', () => {
  const tampered = (edit: (metadata: any, tensors: any[]) => void): Uint8Array => {
    const container = decodeContainer(serializeFraudModel(mlp));
    const metadata = JSON.parse(JSON.stringify(container.metadata));
    const tensors = container.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape], data: container.read(t) }));
    edit(metadata, tensors);
    return encodeContainer({ metadata, tensors });
  };

  it.each<[string, Uint8Array, string]>([
    ['a tensor nothing refers to', tampered((_, t) => t.push({ name: 'extra', dtype: 'float32', shape: [1], data: Float32Array.of(1) })), 'Invalid value for `tensors.extra` in deserializeFraudModel. Expected a tensor the model uses.'],
    ['a reference to a missing tensor', tampered((m) => (m.model.weights[0].values = { $tensor: 'nope' })), 'Invalid value for `metadata.model.weights[0].values` in deserializeFraudModel.'],
    ['one tensor used twice', tampered((m) => (m.model.weights[2].values = m.model.weights[0].values)), 'Expected a tensor no other field uses.'],
    ['a two-dimensional tensor', tampered((_, t) => (t[0].shape = [t[0].shape[0] / 2, 2])), 'Expected a one-dimensional shape [length].'],
    ['another format', tampered((m) => (m.version = 2)), "Invalid value for `metadata.format` in deserializeFraudModel. Expected 'loom-ml/fraud-detection' version 1."],
    ['a network bigger than its weights', tampered((m) => (m.model.hiddenUnits = [20000, 20000])), 'Invalid value for `weights` in MlpClassifier.fromJSON. Expected 6 saved weights.'],
    ['an unknown model kind', tampered((m) => (m.model.format = 'loom-ml/evil')), 'Invalid value for `format` in deserializeFraudModel. Expected the format of a model of this package'],
  ])('%s', (_, bytes, expected) => {
    const tensors = tf.memory().numTensors;
    expect(() => deserializeFraudModel(bytes)).toThrow(FraudError);
    expect(() => deserializeFraudModel(bytes)).toThrow(expected);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('checks the container: a changed byte, a truncated file, the size limits', () => {
    const bytes = serializeFraudModel(mlp);
    const flipped = bytes.slice();
    flipped[flipped.length - 2]! ^= 4;
    expect(() => deserializeFraudModel(flipped)).toThrow(ChecksumError);
    expect(() => deserializeFraudModel(bytes.subarray(0, bytes.length - 4))).toThrow(InvalidFileError);
    expect(() => deserializeFraudModel(bytes, { maxBytes: 64 })).toThrow(FileRefusedError);
    expect(() => deserializeFraudModel(bytes, { maxElements: 4 })).toThrow('Invalid value for `tensors` in deserializeFraudModel. Expected at most maxElements = 4 numbers');
  });

  it('a seeded mutation run: every changed container loads or fails with a LoomError, leaking no tensor', () => {
    const rng = seededRandom(11);
    const sources = [serializeFraudModel(mlp), serializeFraudModel(forest), serializeFraudModel(trees), serializeFraudModel(encoder)];
    const tensors = tf.memory().numTensors;
    for (let round = 0; round < 200; round++) {
      const bytes = sources[round % sources.length]!.slice();
      // Bytes of the header (past the 16-byte prefix) more often than of the payload.
      const header = new DataView(bytes.buffer).getUint32(12, true);
      const at = rng() < 0.7 ? 16 + Math.floor(rng() * header) : Math.floor(rng() * bytes.length);
      bytes[at] = Math.floor(rng() * 256);
      try {
        const model = deserializeFraudModel(bytes);
        (model as { dispose?: () => void }).dispose?.();
      } catch (error) {
        expect(LoomError.isInstance(error), String(error)).toBe(true);
      }
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('saveFraudModel / loadFraudModel', () => {
  it('round-trips through IndexedDB and a Blob (main entry)', async () => {
    await saveFraudModel(forest, 'indexeddb://fraud-forest');
    expect(scores(await loadFraudModel('indexeddb://fraud-forest'))).toEqual(scores(forest));
    expect(scores(await loadFraudModel(new Blob([serializeFraudModel(trees) as Uint8Array<ArrayBuffer>])))).toEqual(scores(trees));
  });

  it('writes a file in Node with the same bytes, and still loads a file of plain toJSON() text', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'loom-fraud-'));
    folders.push(folder);
    await saveToFile(logistic, join(folder, 'logistic.loom'));
    expect(await readdir(folder)).toEqual(['logistic.loom']);
    expect(new Uint8Array(await readFile(join(folder, 'logistic.loom')))).toEqual(serializeFraudModel(logistic));
    expect(scores(await loadFromFile(join(folder, 'logistic.loom')))).toEqual(scores(logistic));
    await writeFile(join(folder, 'old.json'), JSON.stringify(mlp.toJSON()));
    expect(scores(await loadFromFile(join(folder, 'old.json')))).toEqual(scores(mlp));
    await expect(loadFromFile(join(folder, 'logistic.loom'), { maxBytes: 16 })).rejects.toThrow(FileRefusedError);
    await expect(loadFromFile(join(folder, 'missing.loom'))).rejects.toThrow(`The fraud model file ${join(folder, 'missing.loom')} does not exist.`);
  });
});
