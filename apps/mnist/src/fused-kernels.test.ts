// Issue 19: MNIST training goes through Loom's fused kernels (the fused softmax cross-entropy and
// the fused Adam update), so the accuracies the README records were measured on that path. The
// loss and optimizer do not depend on the model, so the MLP (quick on the cpu backend) stands for
// both; the CNN trains with the same lossAndOptimizer.
import * as tf from '@tensorflow/tfjs-core';
import { useFusedKernels } from '@loom-ml/layers';
import { fit } from '@loom-ml/train';
import { registerFusedKernels } from '@loom-ml/wasm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildModel, imageShapeFor } from './models.js';
import { lossAndOptimizer } from './run.js';

/** The kernels one epoch of `fit` over 16 random images runs, with the app's loss and optimizer. */
async function kernelsOfOneEpoch(kind: 'mlp' | 'cnn'): Promise<Set<string>> {
  const model = buildModel(kind, 1);
  const x = tf.randomUniform([16, ...imageShapeFor(kind)], 0, 1, 'float32', 2);
  const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32');
  const engine = tf.engine();
  const runKernel = vi.spyOn(engine, 'runKernel');
  try {
    await fit(model, { x, y }, { ...lossAndOptimizer({ learningRate: 0.002, epochs: 1, batchSize: 8 }, 16), epochs: 1, batchSize: 8, seed: 3, verbose: false });
    return new Set(runKernel.mock.calls.map(([name]) => name));
  } finally {
    runKernel.mockRestore();
    tf.dispose([x, y]);
    model.dispose();
  }
}

describe('MLP training', () => {
  afterEach(() => {
    useFusedKernels(true);
  });

  it('runs the fused softmax cross-entropy and Adam kernels where they are registered, and the composite ops when switched off', async () => {
    registerFusedKernels('cpu');
    const before = tf.memory().numTensors;
    const fused = await kernelsOfOneEpoch('mlp');
    expect(fused).toContain('LoomSoftmaxCrossEntropy');
    expect(fused).toContain('LoomAdamUpdate');

    // The switch the issue names turns the loss's kernel off (the optimizer has its own, useFusedUpdates).
    useFusedKernels(false);
    const composite = await kernelsOfOneEpoch('mlp');
    expect(composite).not.toContain('LoomSoftmaxCrossEntropy');
    expect(composite).toContain('LoomAdamUpdate');
    expect(tf.memory().numTensors).toBe(before);
  });
});
