import { writeFileAtomic } from '@loom-ml/core/node';
import { join } from 'node:path';
import type { Model } from '@loom-ml/layers';
import { exportOnnx, type ExportOnnxOptions } from '../onnx/export-onnx.js';
import { exportTfjsModel, tfjsModelJson } from '../tfjs/export-tfjs-model.js';

/** The weight file's name next to model.json, as tfjs-layers' own file writer names it. */
const WEIGHTS_FILE = 'group1-shard1of1.bin';

/**
 * Writes a Loom model as a tfjs-layers model into `folder` (created if missing): `model.json`
 * and one weight file, each written atomically. `tf.loadLayersModel('http://.../model.json')`
 * (or `file://` with tfjs-node) loads it, `readTfjsModel` + `importTfjsModel` from
 * `@loom-ml/layers` read it back, and `tensorflowjs_converter --input_format=tfjs_layers_model
 * --output_format=keras folder/model.json model.h5` turns it into a Keras model. Returns the
 * model.json path.
 *
 * @example
 * const path = await writeTfjsModel(model, 'exported/mnist'); // 'exported/mnist/model.json'
 */
export async function writeTfjsModel(model: Model, folder: string): Promise<string> {
  const artifacts = await exportTfjsModel(model);
  await writeFileAtomic(join(folder, WEIGHTS_FILE), new Uint8Array(artifacts.weightData));
  const path = join(folder, 'model.json');
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(tfjsModelJson(artifacts, WEIGHTS_FILE))));
  return path;
}

/**
 * Writes a Loom model as an ONNX file (atomically), for onnxruntime and other ONNX runtimes.
 *
 * @example
 * await writeOnnxModel(model, 'exported/mnist.onnx');
 */
export async function writeOnnxModel(model: Model, path: string, options: ExportOnnxOptions = {}): Promise<void> {
  await writeFileAtomic(path, await exportOnnx(model, options));
}
