import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { importTfjsModel, type Model } from '@loom-ml/layers';
import { readTfjsModel } from '@loom-ml/layers/node';
import { exportOnnx } from '../onnx/export-onnx.js';
import { mnistMlp } from '../test-models.js';
import { writeOnnxModel, writeTfjsModel } from './write-files.js';

const scratch = await mkdtemp(join(tmpdir(), 'loom-export-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('@loom-ml/export/node', () => {
  it('writeOnnxModel writes exactly the bytes exportOnnx returns', async () => {
    const model = mnistMlp();
    const path = join(scratch, 'nested', 'mnist.onnx');
    await writeOnnxModel(model, path);
    expect(new Uint8Array(await readFile(path))).toEqual(await exportOnnx(model));
    model.dispose();
  });

  it('writeTfjsModel writes model.json and one weight file that readTfjsModel + importTfjsModel read back', async () => {
    const model = mnistMlp();
    const path = await writeTfjsModel(model, join(scratch, 'tfjs'));
    expect(path).toBe(join(scratch, 'tfjs', 'model.json'));
    expect((await readdir(join(scratch, 'tfjs'))).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const back = await importTfjsModel<Model>(await readTfjsModel(path));
    back.weights.forEach((w, i) => expect(w.variable.dataSync()).toEqual(model.weights[i]!.variable.dataSync()));
    const x = tf.ones([1, 784]);
    expect((back.apply(x) as tf.Tensor).dataSync()).toEqual((model.apply(x) as tf.Tensor).dataSync());
    back.dispose();
    model.dispose();
  });
});
