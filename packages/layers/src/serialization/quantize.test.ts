// Post-training weight quantisation (issue 20, item 4): int8 per-channel symmetric and float16
// in the saved format (format 3 on container version 2), dequantised on load.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeContainer, encodeContainer, float16ToFloat32, float32ToFloat16, InvalidFileError, type ContainerTensorInput } from '@loom-ml/core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { LayersError } from '../errors.js';
import { conv2d } from '../core/layers/conv2d.js';
import { dense } from '../core/layers/dense.js';
import { embedding } from '../core/layers/embedding.js';
import { flatten } from '../core/layers/reshaping.js';
import { lstm } from '../recurrent/lstm.js';
import { sequential } from '../model/sequential.js';
import type { Model } from '../model/model.js';
import { loadModel, saveModel } from '../node/files.js';
import { deserializeModel, serializeModel } from './portable.js';

const scratch = mkdtempSync(join(tmpdir(), 'loom-quantize-'));

const mlp = () =>
  sequential(
    [
      dense({ units: 64, activation: 'relu', inputShape: [100], name: 'hidden', kernelInitializer: { name: 'heNormal', seed: 1 }, biasInitializer: { name: 'randomNormal', stddev: 0.1, seed: 5 } }),
      dense({ units: 10, name: 'out', kernelInitializer: { name: 'glorotUniform', seed: 2 } }),
    ],
    { name: 'mlp' },
  );

/** Payload bytes (the weights) of a container. */
const containerBytes = (bytes: Uint8Array) => bytes.length - 16 - new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);

/** Re-frames a container after `edit` changes its parsed header. */
function mutateHeader(bytes: Uint8Array, edit: (header: { tensors: Record<string, unknown>[] }) => void): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length))) as { tensors: Record<string, unknown>[] };
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const payload = bytes.subarray(16 + length);
  const out = new Uint8Array(16 + json.length + payload.length);
  out.set(bytes.subarray(0, 12));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(payload, 16 + json.length);
  return out;
}

const weightsOf = (model: Model) => model.weights.map((w) => ({ path: w.path, values: Array.from(w.variable.dataSync()), shape: w.variable.shape }));

describe('serializeModel(model, { quantize })', () => {
  it("int8: each kernel within half a step of its channel's scale, biases exact, about 4x smaller", async () => {
    const model = mlp();
    const original = weightsOf(model);
    const full = await serializeModel(model);
    const bytes = await serializeModel(model, { quantize: 'int8' });
    const container = decodeContainer(bytes);
    expect(container.version).toBe(2);
    expect(container.metadata).toMatchObject({ format: 'loom-model', formatVersion: 3, quantization: 'int8' });
    expect(container.tensors.map((t) => [t.name, t.dtype])).toEqual([
      ['hidden/kernel', 'int8'],
      ['hidden/kernel:scales', 'float32'],
      ['hidden/bias', 'float32'],
      ['out/kernel', 'int8'],
      ['out/kernel:scales', 'float32'],
      ['out/bias', 'float32'],
    ]);
    // 7,114 weights: the JSON header (about 1.4 KB) keeps this small model at about 3.3x; the
    // weights alone shrink 3.7x (int8 kernels, float32 scales and biases).
    expect(full.length / bytes.length).toBeGreaterThan(3.2);
    expect(containerBytes(full) / containerBytes(bytes)).toBeGreaterThan(3.7);
    const loaded = deserializeModel(bytes);
    const back = weightsOf(loaded);
    for (const [index, weight] of original.entries()) {
      const got = back[index]!;
      expect(got.path).toBe(weight.path);
      if (weight.shape.length === 1) {
        expect(got.values).toEqual(weight.values);
        continue;
      }
      // Per output column (the last axis): scale = max |w| / 127, and every value is off by at most scale / 2.
      const columns = weight.shape[1]!;
      for (let c = 0; c < columns; c++) {
        const column = weight.values.filter((_, i) => i % columns === c);
        const scale = Math.max(...column.map(Math.abs)) / 127;
        column.forEach((value, row) => expect(Math.abs(got.values[row * columns + c]! - value)).toBeLessThanOrEqual(scale / 2 + 1e-7));
      }
    }
    // The first layer's outputs move by at most sum |x_i| * scale_j / 2 (before the ReLU, which only shrinks the gap).
    const x = tf.randomUniform([4, 100], -1, 1, 'float32', 3);
    const hidden = (m: Model) => tf.tidy(() => tf.add(tf.matMul(x, m.weights[0]!.variable), m.weights[1]!.variable).arraySync() as number[][]);
    const [before, after] = [hidden(model), hidden(loaded)];
    const l1 = tf.tidy(() => tf.sum(tf.abs(x), 1).arraySync() as number[]);
    const kernel = original[0]!;
    for (let j = 0; j < 64; j++) {
      const scale = Math.max(...kernel.values.filter((_, i) => i % 64 === j).map(Math.abs)) / 127;
      for (let b = 0; b < 4; b++) expect(Math.abs(after[b]![j]! - before[b]![j]!)).toBeLessThanOrEqual((l1[b]! * scale) / 2 + 1e-5);
    }
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it('float16: every weight rounded to the nearest half, about 2x smaller', async () => {
    const model = mlp();
    const original = weightsOf(model);
    const bytes = await serializeModel(model, { quantize: 'float16' });
    expect((await serializeModel(model)).length / bytes.length).toBeGreaterThan(1.9);
    const container = decodeContainer(bytes);
    expect(container.tensors.every((t) => t.dtype === 'float16')).toBe(true);
    const loaded = deserializeModel(bytes);
    weightsOf(loaded).forEach((w, i) => expect(w.values).toEqual(Array.from(float16ToFloat32(float32ToFloat16(original[i]!.values)))));
    model.dispose();
    loaded.dispose();
  });

  it('conv, embedding and LSTM weights quantise per output channel and predict close to float32', async () => {
    const cnn = sequential([conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1], kernelInitializer: { name: 'heNormal', seed: 4 } }), flatten(), dense({ units: 3, kernelInitializer: { name: 'glorotUniform', seed: 5 } })]);
    const rnn = sequential([embedding({ inputDim: 50, outputDim: 8, embeddingsInitializer: { name: 'randomNormal', stddev: 0.5, seed: 6 } }), lstm({ units: 6 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [7] });
    const cases: [Model, tf.Tensor][] = [
      [cnn, tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 7)],
      [rnn, tf.tensor2d([[1, 2, 3, 4, 5, 6, 7], [0, 0, 9, 49, 3, 3, 1]], [2, 7], 'int32')],
    ];
    for (const [model, x] of cases) {
      const loaded = deserializeModel(await serializeModel(model, { quantize: 'int8' }));
      const [a, b] = [model, loaded].map((m) => tf.tidy(() => (m.apply(x) as tf.Tensor).arraySync() as number[][]));
      // 8-bit weights: outputs agree to about 1% of their range here (measured 1e-3 .. 5e-3).
      a!.flat().forEach((v, i) => expect(Math.abs(v - b!.flat()[i]!)).toBeLessThan(0.02));
      model.dispose();
      loaded.dispose();
      x.dispose();
    }
  });

  it('saveModel writes quantised .loom files and folders, and loadModel reads them', async () => {
    const model = mlp();
    const x = tf.randomUniform([3, 100], -1, 1, 'float32', 9);
    const viaBytes = deserializeModel(await serializeModel(model, { quantize: 'int8' }));
    const expected = tf.tidy(() => (viaBytes.apply(x) as tf.Tensor).arraySync());
    for (const target of [join(scratch, 'mlp-int8.loom'), join(scratch, 'mlp-int8')]) {
      await saveModel(model, target, { quantize: 'int8' });
      const loaded = await loadModel(target);
      expect(tf.tidy(() => (loaded.apply(x) as tf.Tensor).arraySync())).toEqual(expected);
      loaded.dispose();
    }
    expect(readdirSync(join(scratch, 'mlp-int8')).sort()).toEqual(['model.json', 'weights.bin']);
    await expect(serializeModel(model, { quantize: 'int4' as never })).rejects.toThrow("Invalid value for `quantize` in the save options. Expected 'float32', 'float16' or 'int8'. Received: 'int4'.");
    model.dispose();
    viaBytes.dispose();
    x.dispose();
  });

  it('float16 refuses a weight past ±65504, naming it', async () => {
    const model = mlp();
    const kernel = model.weights[2]!.variable;
    tf.tidy(() => kernel.assign(tf.fill(kernel.shape, 70000)));
    await expect(serializeModel(model, { quantize: 'float16' })).rejects.toThrow("Weight 'out/kernel' holds 70000 (at flat index 0), outside float16's range (±65504); save it with quantize: 'int8' or 'float32'.");
    model.dispose();
  });
});

describe('loading quantised files nobody vouched for', () => {
  const config = () => {
    const model = mlp();
    const value = model.getConfig();
    model.dispose();
    return value;
  };
  const float = (name: string, shape: number[]): ContainerTensorInput => ({ name, dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.25) });
  const int8 = (name: string, shape: number[], scales = `${name}:scales`): ContainerTensorInput[] => [
    { name, dtype: 'int8', shape, data: new Int8Array(shape[0]! * shape[1]!).fill(3), quantization: { scheme: 'symmetric', axis: 1, scales } },
    float(scales, [shape[1]!]),
  ];
  const file = (tensors: ContainerTensorInput[], metadata: Record<string, unknown> = { formatVersion: 3, quantization: 'int8' }) =>
    encodeContainer({ metadata: { format: 'loom-model', model: config(), ...metadata }, tensors });
  const good = () => [...int8('hidden/kernel', [100, 64]), float('hidden/bias', [64]), ...int8('out/kernel', [64, 10]), float('out/bias', [10])];
  const refused = (bytes: Uint8Array, type: new (...args: never[]) => Error, message: string | RegExp) =>
    expectNoLeakedTensors(() => {
      let error: unknown;
      try {
        deserializeModel(bytes).dispose();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
    });

  it('a well-formed hand-made file loads, with the dequantised values', () => {
    const model = deserializeModel(file(good()));
    expect(model.weights[0]!.variable.dataSync()[0]).toBeCloseTo(0.75, 6); // 3 × 0.25
    model.dispose();
  });

  it('quantised weights outside format 3, or a format 3 file without its quantisation', () => {
    refused(file(good(), { formatVersion: 2 }), LayersError, "Invalid value for `dtype` of weight `hidden/kernel` in the saved model. Expected 'float32' (Loom layers' weights are float32). Received: 'quantised int8'.");
    refused(file(good(), { formatVersion: 3 }), LayersError, "Invalid value for `quantization` in the saved model. Expected 'int8' or 'float16' (format 3 holds quantised weights). Received: null.");
    refused(file(good(), { formatVersion: 4, quantization: 'int8' }), LayersError, "Invalid value for `formatVersion` in the saved model. Expected 1, 2 or 3 (files from a newer Loom need that version to load). Received: 4.");
  });

  it('int8 without scales, scales under another name, an orphan scales tensor, scales of the wrong shape', () => {
    const raw = good();
    raw[0] = { ...raw[0]!, quantization: undefined } as ContainerTensorInput;
    delete (raw[0] as { quantization?: unknown }).quantization;
    refused(file(raw), LayersError, "Invalid value for `dtype` of weight `hidden/kernel` in the saved model. Expected 'float32', 'float16', or 'int8' with per-channel scales (format 3). Received: 'int8'.");
    const renamed = [...int8('hidden/kernel', [100, 64], 'elsewhere'), float('hidden/bias', [64]), ...int8('out/kernel', [64, 10]), float('out/bias', [10])];
    refused(file(renamed), LayersError, "Invalid value for `quantization.scales` of weight `hidden/kernel` in the saved model. Expected 'hidden/kernel:scales'. Received: 'elsewhere'.");
    const orphan = [...good(), float('extra:scales', [3])];
    refused(file(orphan), LayersError, "Invalid value for `weights` in the saved model. Expected only weights of its layers. Received: ['extra:scales'].");
    // The writer refuses this one, so the header is edited after writing (the checksum covers the payload only).
    const wrongShape = mutateHeader(file(good()), (header) => {
      header.tensors[0]!.shape = [64, 100];
    });
    refused(wrongShape, InvalidFileError, "Expected 'hidden/kernel:scales' to be an unquantised float32 tensor of shape [100] (one scale per index of axis 1 of 'hidden/kernel'). Received: 'float32 of shape [64]'.");
  });

  it('float16 NaN or infinity, unless allowNonFinite', () => {
    const halves = (name: string, shape: number[], values: number[]) => ({ name, dtype: 'float16' as const, shape, data: float32ToFloat16(values) });
    const tensors = [halves('hidden/kernel', [100, 64], new Array(6400).fill(0.5)), halves('hidden/bias', [64], [Infinity, ...new Array(63).fill(0)]), halves('out/kernel', [64, 10], new Array(640).fill(1)), halves('out/bias', [10], new Array(10).fill(0))];
    const bytes = file(tensors, { formatVersion: 3, quantization: 'float16' });
    refused(bytes, LayersError, "The saved model has NaN or infinite values in weight 'hidden/bias'; refused (pass allowNonFinite: true to load it anyway).");
    const model = deserializeModel(bytes, { allowNonFinite: true });
    expect(model.weights[1]!.variable.dataSync()[0]).toBe(Infinity);
    model.dispose();
  });
});
