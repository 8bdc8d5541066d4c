// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's gradients ship separately; tf.variableGrads needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { adam, Optimizer } from '@loom-ml/optimizers';
import { exposeToTest } from '@loom-ml/test-utils/page';

exposeToTest({
  /** Adam on f(w) = sum(w²) from w = start; the weights after each step. */
  async adamSteps(start: number[], learningRate: number, steps: number) {
    await tf.ready();
    const before = tf.memory().numTensors;
    const initial = tf.tensor1d(start);
    const w = tf.variable(initial, true, 'w'); // a copy: the initial tensor is ours to dispose
    initial.dispose();
    const optimizer = new Optimizer(adam({ learningRate }), [w]);
    const trajectory: number[][] = [];
    for (let step = 0; step < steps; step++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar);
      optimizer.step(grads);
      tf.dispose([value, ...Object.values(grads)]);
      trajectory.push(Array.from(await w.data()));
    }
    const state = JSON.stringify(await optimizer.getState());
    optimizer.dispose();
    w.dispose();
    return { trajectory, stateBytes: state.length, leaked: tf.memory().numTensors - before };
  },
});
