// @loom-ml/export in headless Chromium: the page (bundled from dist/index.js with esbuild,
// platform browser, no externals) loads Loom models saved in Node, exports them to ONNX and runs
// them in onnxruntime-web's WebAssembly build; the outputs match Loom's in Node (atol 1e-4) and
// the ONNX bytes equal those exportOnnx writes in Node.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { openPage } from '@loom-ml/test-utils/browser';
import { serializeModel, type Sequential } from '@loom-ml/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index.js';
import { mnistCnn, mnistMlp, randomIds, randomizeWeights, sentimentLstm, sentimentTransformer } from '../src/test-models.js';

const ortDist = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-web')), '.');
const opened = await openPage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir: new URL('..', import.meta.url),
  assets: [join(ortDist, 'ort-wasm-simd-threaded.wasm')],
});
afterAll(() => opened.close());

async function expectSameInPage(model: Sequential, batches: tf.Tensor[], scale = 0.5): Promise<{ tfjs: number | string }> {
  randomizeWeights(model, 3, scale);
  const saved = await serializeModel(model);
  const nodeBytes = await exportOnnx(model);
  const expected = batches.map((x) => {
    const y = model.apply(x, { training: false });
    const values = { data: Array.from(y.dataSync()), dims: y.shape };
    y.dispose();
    return values;
  });
  model.dispose();
  const result = await opened.call<{ outputs: { data: number[]; dims: number[] }[]; byteLength: number; digest: string; tfjs: number | string; leaked: number }>(
    'exportAndRun',
    Array.from(saved),
    batches.map((x) => ({ data: Array.from(x.dataSync()), shape: x.shape })),
  );
  tf.dispose(batches);
  expect(result.byteLength).toBe(nodeBytes.byteLength);
  expect(result.digest).toBe(createHash('sha256').update(nodeBytes).digest('hex'));
  expect(result.leaked).toBe(0);
  result.outputs.forEach((output, k) => {
    expect(output.dims).toEqual(expected[k]!.dims);
    const worst = Math.max(...output.data.map((v, i) => Math.abs(v - expected[k]!.data[i]!)));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
  return { tfjs: result.tfjs };
}

describe('@loom-ml/export in Chromium: exportOnnx in the page, onnxruntime-web (wasm) runs it (atol 1e-4)', () => {
  it('the MNIST MLP, batch 1 and 5', async () => {
    const { tfjs } = await expectSameInPage(mnistMlp(), [tf.randomUniform([1, 784], 0, 1, 'float32', 1), tf.randomUniform([5, 784], 0, 1, 'float32', 2)]);
    expect(tfjs).toBe(4); // exportTfjsModel runs in the page too: two kernels, two biases
  });

  it('the MNIST CNN, batch 1 and 3', async () => {
    await expectSameInPage(mnistCnn(), [tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 3), tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4)], 0.1);
  });

  it('the sentiment LSTM and Transformer (200 tokens), batch 1 and 2', async () => {
    await expectSameInPage(sentimentLstm(500, 200), [randomIds(1, 200, 500, 5), randomIds(2, 200, 500, 6)]);
    const { tfjs } = await expectSameInPage(sentimentTransformer(500, 200), [randomIds(1, 200, 500, 7), randomIds(2, 200, 500, 8)]);
    expect(tfjs).toMatch(/exportTfjsModel cannot write PositionalEmbedding/);
  });
});
