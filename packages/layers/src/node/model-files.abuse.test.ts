// Hostile model files (issue 18, items 2, 3 and 10): every one ends in a named error, with
// memory bounded, no tensor leaked, and the backend still working — on cpu and on loom-wasm.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ChecksumError, encodeContainer, FileRefusedError, InvalidFileError, LoomError, type ContainerTensorInput } from '@loom-ml/core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { initWasm, LOOM_WASM_BACKEND, type WasmBackendHandle } from '@loom-ml/wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayersError } from '../errors.js';
import { dense } from '../core/layers/dense.js';
import { sequential } from '../model/sequential.js';
import { embedding } from '../core/layers/embedding.js';
import { flatten } from '../core/layers/reshaping.js';
import { dot } from '../core/layers/merge-dot.js';
import { model as functional } from '../functional/functional-model.js';
import { input } from '../functional/symbolic-tensor.js';
import { deserializeModel, serializeModel } from '../serialization/portable.js';
import { importTfjsModel } from '../tfjs-import/import-tfjs-model.js';
import { loadModel, saveModel } from './files.js';
import { seededRandom } from '@loom-ml/core';

const scratch = mkdtempSync(join(tmpdir(), 'loom-model-abuse-'));

/** A small trained-looking model: Dense 3→4 (relu) → Dense 4→2. */
function smallModel() {
  return sequential([dense({ units: 4, activation: 'relu', inputShape: [3], name: 'hidden', kernelInitializer: { name: 'glorotUniform', seed: 1 } }), dense({ units: 2, name: 'out', kernelInitializer: { name: 'glorotUniform', seed: 2 } })], { name: 'small' });
}

const smallConfig = () => {
  const model = smallModel();
  const config = model.getConfig();
  model.dispose();
  return config;
};

/** A format-2 file with any metadata and tensors (the checksum is right: only what it says is hostile). */
function container(model: unknown, tensors: ContainerTensorInput[]): Uint8Array {
  return encodeContainer({ metadata: { format: 'loom-model', formatVersion: 2, model }, tensors });
}

const float = (name: string, shape: number[], fill = 0.5) => ({ name, dtype: 'float32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });
const goodTensors = () => [float('hidden/kernel', [3, 4]), float('hidden/bias', [4]), float('out/kernel', [4, 2]), float('out/bias', [2])];

/** The file: a few hundred bytes, three 20000x20000 Dense layers, format 1. */
function giantV1(): Uint8Array {
  const layers = [0, 1, 2].map((i) => ({ className: 'Dense', config: { name: `d${i}`, units: 20000, ...(i === 0 ? { inputShape: [20000] } : {}) } }));
  const weights = [0, 1, 2].map((i) => ({ path: `d${i}/kernel`, shape: [20000, 20000], dtype: 'float32', byteOffset: i * 1.6e9, byteLength: 1.6e9 }));
  const json = new TextEncoder().encode(JSON.stringify({ format: 'loom-model', formatVersion: 1, model: { className: 'Sequential', name: 'giant', layers }, weights }));
  const bytes = new Uint8Array(8 + json.length + 64);
  bytes.set([0x4c, 0x4f, 0x4f, 0x4d]);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  return bytes;
}

/** The same model claimed in format 2, with small tensors under the right names. */
function giantV2(): Uint8Array {
  const layers = [0, 1, 2].map((i) => ({ className: 'Dense', config: { name: `d${i}`, units: 20000, ...(i === 0 ? { inputShape: [20000] } : {}) } }));
  return container({ className: 'Sequential', name: 'giant', layers }, [0, 1, 2].flatMap((i) => [float(`d${i}/kernel`, [2, 2]), float(`d${i}/bias`, [2])]));
}

/** Format 1 as Loom 0.1 wrote it ("LOOM", u32 header length, JSON, padding to 4, weights). */
async function v1Bytes(model: ReturnType<typeof smallModel>): Promise<Uint8Array> {
  const values = await Promise.all(model.weights.map((w) => w.variable.data()));
  let offset = 0;
  const weights = model.weights.map((w, i) => {
    const spec = { path: w.path, shape: [...w.variable.shape], dtype: 'float32', byteOffset: offset, byteLength: values[i]!.length * 4 };
    offset += spec.byteLength;
    return spec;
  });
  const json = new TextEncoder().encode(JSON.stringify({ format: 'loom-model', formatVersion: 1, model: model.getConfig(), weights }));
  const dataStart = Math.ceil((8 + json.length) / 4) * 4;
  const bytes = new Uint8Array(dataStart + offset);
  bytes.set([0x4c, 0x4f, 0x4f, 0x4d]);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  values.forEach((v, i) => bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), dataStart + weights[i]!.byteOffset));
  return bytes;
}

/** A model folder whose model.json is `header` (weights.bin as saved). */
async function folderWith(name: string, edit: (header: Record<string, unknown>) => void): Promise<string> {
  const folder = join(scratch, name);
  const model = smallModel();
  await saveModel(model, folder);
  model.dispose();
  const header = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as Record<string, unknown>;
  edit(header);
  writeFileSync(join(folder, 'model.json'), JSON.stringify(header));
  return folder;
}

/** The backend still computes: [[1,2,3],[4,5,6]] · [[1,0],[0,1],[1,1]] = [[4,5],[10,11]]. */
function expectBackendWorks() {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor2d([[1, 0], [0, 1], [1, 1]])).arraySync());
  expect(product).toEqual([[4, 5], [10, 11]]);
}

/** Runs a refused load: the error's class and message, no tensor leaked, the backend still works. */
async function refused(load: () => unknown, type: abstract new (...args: never[]) => Error, message: string | RegExp) {
  const error = await expectNoLeakedTensors(async () => {
    try {
      await load();
    } catch (e) {
      return e;
    }
    return undefined;
  });
  expect(error).toBeInstanceOf(type);
  expect(LoomError.isInstance(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  expectBackendWorks();
}

let wasm: WasmBackendHandle | undefined;
beforeAll(async () => {
  wasm = await initWasm({ threads: 1, setActive: false });
});
afterAll(async () => {
  await tf.setBackend('cpu');
  await wasm?.dispose();
});

describe.each(['cpu', LOOM_WASM_BACKEND])('refused model files on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it("a folder whose weightsFile is /etc/passwd (by '..', absolute, or a link out)", async () => {
    const up = await folderWith(`${backend}-passwd-up`, (h) => (h.weightsFile = '../../../../../../../../etc/passwd'));
    await refused(() => loadModel(up), FileRefusedError, "Invalid value for `weightsFile`: '../../../../../../../../etc/passwd' contains '..'.");
    const absolute = await folderWith(`${backend}-passwd-abs`, (h) => (h.weightsFile = '/etc/passwd'));
    await refused(() => loadModel(absolute), FileRefusedError, "Invalid value for `weightsFile`: '/etc/passwd' is an absolute path.");
    const linked = await folderWith(`${backend}-passwd-link`, (h) => (h.weightsFile = 'w.bin'));
    symlinkSync('/etc/passwd', join(linked, 'w.bin'));
    await refused(() => loadModel(linked), FileRefusedError, "Invalid value for `weightsFile`: 'w.bin' is a link that leads outside the folder.");
  });

  it('/dev/zero as the weights file or as the model file, with memory bounded', async () => {
    const rss = process.memoryUsage().rss;
    const zero = await folderWith(`${backend}-zero`, (h) => (h.weightsFile = 'zero.bin'));
    symlinkSync('/dev/zero', join(zero, 'zero.bin'));
    await refused(() => loadModel(zero), FileRefusedError, 'is a link that leads outside the folder');
    await refused(() => loadModel('/dev/zero'), FileRefusedError, 'The model file /dev/zero is not a regular file (a device, pipe or folder); refused.');
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
  });

  it('three 20000x20000 Dense layers declared in a few hundred bytes: named error, RSS grows < 100 MB', async () => {
    const v1 = giantV1();
    const v2 = giantV2();
    expect(v1.length).toBeLessThan(1000);
    const rss = process.memoryUsage().rss;
    await refused(() => deserializeModel(v1), InvalidFileError, "Invalid value for `tensors[0].offsets` in the saved model header. Expected a range ending within the maxBytes limit (536870912). Received: [0, 1600000000].");
    await refused(() => deserializeModel(v1, { maxBytes: 2 ** 40 }), InvalidFileError, /^The saved model payload has \d+ bytes; its header's tensors take 4800000000\. The file is truncated\.$/);
    await refused(() => deserializeModel(v2), LayersError, "Invalid value for the shape of weight 'd0/kernel' in the saved model. Expected [20000, 20000] (what Dense 'd0''s config gives). Received: [2, 2].");
    await refused(() => deserializeModel(container({ className: 'Sequential', layers: [{ className: 'Dense', config: { name: 'd0', units: 20000, inputShape: [20000] } }] }, [])), LayersError, "The saved model has no values for weight 'd0/kernel' of Dense 'd0' (shape [20000, 20000]).");
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
  });

  it('more parameters than maxParameters, or a file over maxBytes', async () => {
    const bytes = container(smallConfig(), goodTensors());
    await refused(() => deserializeModel(bytes, { maxParameters: 20 }), LayersError, 'The saved model declares more than 20 weight values (the maxParameters limit; raise it if you trust the model).');
    await refused(() => deserializeModel(bytes, { maxBytes: 100 }), FileRefusedError, `The saved model has ${bytes.length} bytes, more than the limit of 100 (raise maxBytes if you trust it).`);
  });

  it('a flipped weight byte (checksum), sync, async and in a folder', async () => {
    const model = smallModel();
    const bytes = await serializeModel(model);
    await saveModel(model, join(scratch, `${backend}-flip`));
    model.dispose();
    bytes[bytes.length - 3]! ^= 0x10;
    await refused(() => deserializeModel(bytes), ChecksumError, /^The saved model payload's SHA-256 is [0-9a-f]{64}, but its header records [0-9a-f]{64}: the data was changed or damaged after it was written\.$/);
    const file = join(scratch, `${backend}-flip.loom`);
    writeFileSync(file, bytes);
    await refused(() => loadModel(file), ChecksumError, `The model file ${file} payload's SHA-256`);
    const weights = join(scratch, `${backend}-flip`, 'weights.bin');
    const data = readFileSync(weights);
    data[5]! ^= 0x01;
    writeFileSync(weights, data);
    await refused(() => loadModel(join(scratch, `${backend}-flip`)), ChecksumError, 'payload\'s SHA-256');
  });

  it('NaN or infinite weights, unless allowNonFinite', async () => {
    const tensors = goodTensors();
    tensors[2]!.data[5] = Number.NaN;
    const nan = container(smallConfig(), tensors);
    await refused(() => deserializeModel(nan), LayersError, "The saved model has NaN or infinite values in weight 'out/kernel'; refused (pass allowNonFinite: true to load it anyway).");
    tensors[2]!.data[5] = Number.POSITIVE_INFINITY;
    await refused(() => deserializeModel(container(smallConfig(), tensors)), LayersError, "NaN or infinite values in weight 'out/kernel'");
    const loaded = expectNoLeakedTensors(() => {
      const model = deserializeModel(nan, { allowNonFinite: true });
      const value = model.weights[2]!.variable.dataSync()[5];
      model.dispose();
      return value;
    });
    expect(value(loaded)).toBeNaN();
  });

  it('int32 weights on a float layer', async () => {
    const tensors: ContainerTensorInput[] = goodTensors();
    tensors[0] = { name: 'hidden/kernel', dtype: 'int32', shape: [3, 4], data: new Int32Array(12) };
    await refused(() => deserializeModel(container(smallConfig(), tensors)), LayersError, "Invalid value for `dtype` of weight `hidden/kernel` in the saved model. Expected 'float32' (Loom layers' weights are float32). Received: 'int32'.");
    tensors[0] = { name: 'hidden/kernel', dtype: 'uint8', shape: [3, 4], data: new Uint8Array(12) };
    await refused(() => deserializeModel(container(smallConfig(), tensors)), InvalidFileError, "Invalid value for `tensors[0].dtype` in the saved model header. Expected one of float32, float16, int8, int32 for 'hidden/kernel'. Received: 'uint8'.");
  });

  it('a truncated file and a corrupted header (never a raw SyntaxError)', async () => {
    const model = smallModel();
    const bytes = await serializeModel(model);
    model.dispose();
    await refused(() => deserializeModel(bytes.subarray(0, bytes.length - 8)), InvalidFileError, /^The saved model payload has \d+ bytes; its header's tensors take \d+\. The file is truncated\.$/);
    await refused(() => deserializeModel(bytes.subarray(0, 60)), InvalidFileError, /declares a \d+-byte header but has only 44 bytes after its prefix: the file is truncated/);
    const corrupted = bytes.slice();
    corrupted[16] = 0x5b; // '{' → '['
    await refused(() => deserializeModel(corrupted), InvalidFileError, /^The saved model header is not valid JSON \(.+\)\. Was the file truncated or edited\?$/);
    const folder = await folderWith(`${backend}-corrupt`, () => undefined);
    writeFileSync(join(folder, 'model.json'), '{"format": "loom-container", "version": 1, "tensors": [');
    await refused(() => loadModel(folder), InvalidFileError, `The model header ${join(folder, 'model.json')} is not valid JSON`);
  });

  it('bad layer configs give named errors (not TypeError/RangeError), before any weight is made', async () => {
    const withLayer = (layer: unknown) => container({ className: 'Sequential', layers: [layer], inputShape: [3] }, goodTensors().slice(0, 2));
    await refused(() => deserializeModel(withLayer({ className: 'Dense', config: { name: 'hidden', units: -3 } })), LayersError, "Invalid value for `units` in Dense 'hidden'. Expected a positive integer. Received: -3.");
    await refused(() => deserializeModel(withLayer({ className: 'Dense', config: { name: 'hidden', units: 'many' } })), LayersError, "Invalid value for `units` in Dense 'hidden'. Expected a positive integer. Received: 'many'.");
    await refused(() => deserializeModel(withLayer({ className: 'Conv2D', config: { name: 'hidden', filters: 2, kernelSize: [0, 3] } })), LayersError, "Invalid value for `kernelSize` in Conv2D 'hidden'.");
    await refused(() => deserializeModel(withLayer({ className: 'constructor', config: {} })), LayersError, "Unknown layer class 'constructor' in model.layers[0] of the saved model.");
    await refused(() => deserializeModel(withLayer({ className: 'Dense', config: null })), LayersError, 'Invalid value for `config` in Dense in model.layers[0] of the saved model. Expected an object of layer options. Received: null.');
    await refused(() => deserializeModel(withLayer(null)), LayersError, 'Unknown layer class undefined in model.layers[0] of the saved model.');
    await refused(() => deserializeModel(container({ className: 'Sequential', layers: [{ className: 'Dense', config: { units: 4 } }], inputShape: 'wide' }, [])), LayersError, "Invalid value for `inputShape` in the saved model (Sequential 'undefined'). Expected a list of positive integers without the batch dimension. Received: 'wide'.");
    await refused(() => deserializeModel(container({ className: 'Subclassed', layers: [] }, [])), LayersError, "Invalid value for `model.className` in the saved model. Expected 'Sequential' or 'Functional'. Received: 'Subclassed'.");
    await refused(() => deserializeModel(encodeContainer({ metadata: { format: 'other' }, tensors: [] })), LayersError, "Invalid value for `format` in the saved model. Expected 'loom-model' (a container written by serializeModel or saveModel). Received: 'other'.");
    await refused(() => deserializeModel(container(smallConfig(), [...goodTensors(), float('ghost/kernel', [2])])), LayersError, "Invalid value for `weights` in the saved model. Expected only weights of its layers. Received: ['ghost/kernel'].");
  });
});

describe.each(['cpu', LOOM_WASM_BACKEND])('refused tfjs imports on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  const giantTopology = {
    class_name: 'Sequential',
    config: { name: 'giant', layers: [0, 1, 2].map((i) => ({ class_name: 'Dense', config: { name: `d${i}`, units: 20000, activation: 'linear', use_bias: true, ...(i === 0 ? { batch_input_shape: [null, 20000] } : {}) } })) },
  };

  it('a topology of three 20000x20000 Dense layers over a tiny manifest: refused before allocating', async () => {
    const rss = process.memoryUsage().rss;
    const artifacts = { modelTopology: giantTopology, weightSpecs: [{ name: 'd0/kernel', shape: [2, 2], dtype: 'float32' }], weightData: new ArrayBuffer(16) };
    await refused(() => importTfjsModel(artifacts), LayersError, "Dense 'd0' needs a weight 'd0/kernel' of shape [20000, 20000] (400000000 values), more than the tfjs model's weight manifest can account for (65544 values left); refused before allocating.");
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
  });

  it('a manifest over maxParameters, or weight data over maxBytes', async () => {
    const specs = [0, 1, 2].map((i) => ({ name: `d${i}/kernel`, shape: [20000, 20000], dtype: 'float32' }));
    await refused(() => importTfjsModel({ modelTopology: giantTopology, weightSpecs: specs, weightData: new ArrayBuffer(8) }), LayersError, "Invalid value for `weightData` in the tfjs model. Expected 4800000000 bytes (the sum of the weightSpecs' sizes). Received: 8 bytes.");
    await refused(() => importTfjsModel({ modelTopology: giantTopology, weightSpecs: [], weightData: new ArrayBuffer(64) }, { maxBytes: 32 }), LayersError, 'Expected an ArrayBuffer, a list of them or a typed array of at most 32 bytes (the maxBytes limit). Received: 64 bytes.');
    const small = [{ name: 'd0/kernel', shape: [4, 4], dtype: 'float32' }];
    await refused(() => importTfjsModel({ modelTopology: giantTopology, weightSpecs: small, weightData: new ArrayBuffer(64) }, { maxParameters: 10 }), LayersError, "The tfjs model's weight manifest declares 16 weight values, more than the maxParameters limit of 10");
  });

  it('NaN weights, unless allowNonFinite', async () => {
    const topology = { class_name: 'Sequential', config: { name: 'tiny', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, activation: 'linear', use_bias: false, batch_input_shape: [null, 2] } }] } };
    const artifacts = { modelTopology: topology, weightSpecs: [{ name: 'd/kernel', shape: [2, 2], dtype: 'float32' }], weightData: Float32Array.from([1, Number.NaN, 0, 1]).buffer };
    await refused(() => importTfjsModel(artifacts), LayersError, "The tfjs model has NaN or infinite values in weight 'd/kernel' of Dense 'd'; refused (pass allowNonFinite: true to import it anyway).");
    const model = await importTfjsModel(artifacts, { allowNonFinite: true });
    expect(Number.isNaN(model.weights[0]!.variable.dataSync()[1])).toBe(true);
    model.dispose();
  });
});

function value(x: number | undefined): number | undefined {
  return x;
}

describe('format 1 files (Loom 0.1) still load, through the same checks', () => {
  it('a format-1 .loom file and folder load with the same predictions', async () => {
    const model = smallModel();
    const bytes = await v1Bytes(model);
    const x = tf.tensor2d([[1, -2, 0.5]]);
    const expected = (model.apply(x) as tf.Tensor).arraySync() as number[][];
    const fromBytes = deserializeModel(bytes);
    const y = fromBytes.apply(x) as tf.Tensor;
    expectTensorsClose(y, expected, { atol: 0 });
    const folder = join(scratch, 'v1-folder');
    mkdirSync(folder);
    const headerLength = new DataView(bytes.buffer).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ ...header, weightsFile: 'weights.bin' }));
    writeFileSync(join(folder, 'weights.bin'), bytes.subarray(Math.ceil((8 + headerLength) / 4) * 4));
    const fromFolder = await loadModel(folder);
    const z = fromFolder.apply(x) as tf.Tensor;
    expectTensorsClose(z, expected, { atol: 0 });
    tf.dispose([x, y, z]);
    [model, fromBytes, fromFolder].forEach((m) => m.dispose());
  });

  it('a hostile format-1 header is refused by field', async () => {
    const model = smallModel();
    const bytes = await v1Bytes(model);
    model.dispose();
    const headerLength = new DataView(bytes.buffer).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as { weights: Record<string, unknown>[] };
    header.weights[1]!.byteOffset = '48';
    const folder = join(scratch, 'v1-hostile');
    mkdirSync(folder);
    writeFileSync(join(folder, 'model.json'), JSON.stringify(header));
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(10));
    await refused(() => loadModel(folder), LayersError, `Invalid value for \`weights[1].byteOffset\` in the model header ${join(folder, 'model.json')} header. Expected a non-negative integer. Received: '48'.`);
  });
});

describe('model files fuzz (seeded, bounded: 3 s each, RSS growth < 200 MB)', () => {
  const random = seededRandom; // @loom-ml/core's mulberry32: a failure reproduces

  async function twoTowerBytes(): Promise<Uint8Array> {
    const user = input({ shape: [1], name: 'user', dtype: 'int32' });
    const item = input({ shape: [1], name: 'item', dtype: 'int32' });
    const tower = dense({ units: 3, name: 'tower' });
    const u = tower.connect(flatten().connect(embedding({ inputDim: 5, outputDim: 2, name: 'users' }).connect(user)));
    const v = tower.connect(flatten().connect(embedding({ inputDim: 5, outputDim: 2, name: 'items' }).connect(item)));
    const m = functional({ inputs: [user, item], outputs: dot({ axes: 1, normalize: true }).connect([u, v]), name: 'two_tower' });
    const bytes = await serializeModel(m);
    m.dispose();
    return bytes;
  }

  it.each([
    ['a Sequential', async () => serializeModel(smallModel())],
    ['a functional two-tower model', twoTowerBytes],
  ])('%s with mutated headers, shapes and byte lengths: a model or a named error, never a crash, a hang or a leak', async (_label, make) => {
    await tf.setBackend('cpu');
    const base = await make();
    const headerLength = new DataView(base.buffer).getUint32(12, true);
    const text = new TextDecoder().decode(base.subarray(16, 16 + headerLength));
    const payload = base.subarray(16 + headerLength);
    const hostile = ['0', '-1', '1', '3', '4', '20000', '1e9', '4294967295', '9007199254740993', '1.5', 'null', '"x"', '"constructor"', '[]', '{}', 'true', '[0]', '[-1,2]'];
    const next = random(18);
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const tensorsBefore = tf.memory().numTensors;
    let loaded = 0;
    let rounds = 0;
    const unnamed: string[] = [];
    for (; rounds < 3000 && performance.now() - started < 3000; rounds++) {
      let bytes: Uint8Array;
      if (rounds % 3 === 0) {
        // Replace one value of the header (a unit count, a shape, an offset, a name) by a hostile one.
        const values = [...text.matchAll(/-?\d+(\.\d+)?(e\d+)?|"[^"]*"|\[[^\[\]]*\]/g)];
        const m = values[Math.floor(next() * values.length)]!;
        const mutated = text.slice(0, m.index) + hostile[Math.floor(next() * hostile.length)] + text.slice(m.index! + m[0].length);
        const json = new TextEncoder().encode(mutated);
        bytes = new Uint8Array(16 + json.length + payload.length);
        bytes.set(base.subarray(0, 12));
        new DataView(bytes.buffer).setUint32(12, json.length, true);
        bytes.set(json, 16);
        bytes.set(payload, 16 + json.length);
      } else if (rounds % 3 === 1) {
        bytes = base.slice();
        for (let k = 0; k < 1 + Math.floor(next() * 3); k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      } else {
        bytes = base.slice(0, Math.floor(next() * base.length));
      }
      try {
        deserializeModel(bytes).dispose();
        loaded++;
      } catch (error) {
        if (!LoomError.isInstance(error)) throw error;
        // The catch-all for errors a layer's own checks missed: the fuzz wants none.
        if ((error as Error).message.includes('could not be rebuilt')) unnamed.push((error as Error).message);
      }
    }
    expect(unnamed).toEqual([]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(rounds).toBeGreaterThan(100);
    expect(loaded).toBeGreaterThan(0);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 2 ** 20);
    expectBackendWorks();
  });
});
