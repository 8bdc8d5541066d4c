// Test helpers: build models with tfjs-layers itself and capture what its save() writes.
// Not exported from the package; used only by the tests beside it.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { TfjsModelArtifacts } from './tfjs-artifacts.js';

/** What `model.save()` hands an io handler: the same JSON and bytes model.json + .bin hold. */
export async function saveToMemory(model: tfl.LayersModel): Promise<TfjsModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  const { modelTopology, weightSpecs, weightData, format } = saved!;
  return { modelTopology, weightSpecs: weightSpecs as TfjsModelArtifacts['weightSpecs'], weightData: weightData as ArrayBuffer, ...(format ? { format } : {}) };
}

/**
 * Overwrites every weight with seeded uniform values ([0.5, 1.5] for variances, which must be
 * positive; [-0.5, 0.5] otherwise), so biases and moving statistics are not the trivial
 * zeros/ones and a swapped weight would show.
 */
export function randomizeWeights(model: tfl.LayersModel, seed: number): void {
  const values = model.weights.map((w, i) => {
    const shape = w.shape as number[];
    return w.name.includes('variance') ? tf.randomUniform(shape, 0.5, 1.5, 'float32', seed + i) : tf.randomUniform(shape, -0.5, 0.5, 'float32', seed + i);
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** A seeded glorotUniform initializer (tfjs' default recurrent initializer, orthogonal, needs chained ops). */
export function seeded(seed: number): ReturnType<typeof tfl.initializers.glorotUniform> {
  return tfl.initializers.glorotUniform({ seed });
}
