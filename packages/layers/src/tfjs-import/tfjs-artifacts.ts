import type { TfjsWeightSpec } from './tfjs-weights.js';

/**
 * A tfjs-layers model in memory, as tfjs `io` handlers produce it (`tf.io.browserFiles`,
 * `http`, a custom `save` handler): the Keras-format topology JSON, the weight specs in
 * storage order and their bytes (one buffer or a list of shards).
 *
 * @example
 * const artifacts: TfjsModelArtifacts = await tf.io.browserFiles([jsonFile, binFile]).load();
 * const model = await importTfjsModel(artifacts);
 */
export interface TfjsModelArtifacts {
  modelTopology: unknown;
  weightSpecs?: TfjsWeightSpec[];
  weightData?: ArrayBuffer | ArrayBuffer[] | ArrayBufferView;
  /** 'layers-model' from tfjs-layers; 'graph-model' files cannot be imported. */
  format?: string;
}
