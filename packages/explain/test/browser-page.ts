// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { integratedGradients, kernelShap, occlusion } from '@loom-ml/explain';
import { registerGradients } from '@loom-ml/wasm';
import { exposeToTest } from '@loom-ml/test-utils/page';

exposeToTest({
  async explain() {
    await tf.ready();
    // Gradient methods need tfjs's gradients registered (initWasm does this for loom-wasm).
    registerGradients();
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1.5, -0.5, 2]);
    const x = tf.tensor2d([[2, -1, 1.5], [0.5, 0.5, -0.5]]);
    const quadratic = (t: tf.Tensor) => tf.sum(tf.mul(tf.square(t), a), 1);
    const ig = integratedGradients(quadratic, x, { steps: 4 });
    const images = tf.ones([1, 4, 4]);
    const occluded = occlusion((t: tf.Tensor) => tf.sum(t, [1, 2]), images, { patch: 2 });
    tf.dispose([a, x, images]);
    const shap = kernelShap((rows: number[][]) => rows.map(([p, q, r]) => p! * q! + r!), [2, 3, 1], { baseline: [0, 0, 0] });
    return {
      backend: tf.getBackend(),
      ig: Array.from(ig.attributions[0]!.data),
      gaps: ig.completenessGap,
      drops: occluded.patches[0]!.map((p) => p.drop),
      shap: shap.attributions.map((s) => s.attribution),
      exact: shap.exact,
      leaked: tf.memory().numTensors - before,
    };
  },
});
