import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { ema } from './ema.js';
import { ParameterEma } from './parameter-ema.js';

describe('ema', () => {
  it('debiased: average / (1 - decay^count)', () => {
    // decay 0.5: after 2: avg = 0.5 * 2 = 1 -> 1 / 0.5 = 2;
    //            after 4: avg = 0.5 * 1 + 0.5 * 4 = 2.5 -> 2.5 / 0.75 = 3.3333
    // (runUpdates adds each output to the params, which ema ignores.)
    const [a, b] = runUpdates(ema({ decay: 0.5 }), { w: [0] }, [{ w: [2] }, { w: [4] }]);
    expectClose(a?.w, [2]);
    expectClose(b?.w, [2.5 / 0.75]);
  });

  it('without debias returns the raw average', () => {
    const [a, b] = runUpdates(ema({ decay: 0.5, debias: false }), { w: [0] }, [{ w: [2] }, { w: [4] }]);
    expectClose(a?.w, [1]);
    expectClose(b?.w, [2.5]);
  });
});

describe('ParameterEma', () => {
  it('tracks a shadow copy of variables and leaks nothing', () => {
    const v = tf.variable(tf.tensor1d([2]), true, 'ema/w');
    const shadow = new ParameterEma([v], { decay: 0.5 });
    const initial = shadow.averages();
    expectClose(Array.from((initial['ema/w'] as tf.Tensor).dataSync()), [2]); // before any update: the value itself
    tf.dispose(Object.values(initial));
    shadow.update(); // avg 1, debiased 2
    v.assign(tf.tensor1d([4]));
    const before = tf.memory().numTensors;
    shadow.update(); // avg 2.5, debiased 3.3333
    expect(tf.memory().numTensors).toBe(before);
    const averaged = shadow.averages();
    expectClose(Array.from((averaged['ema/w'] as tf.Tensor).dataSync()), [2.5 / 0.75]);
    expect(shadow.count).toBe(2);
    tf.dispose(Object.values(averaged));
    for (let i = 0; i < 20; i++) shadow.update();
    expect(tf.memory().numTensors).toBe(before);
    shadow.dispose();
    v.dispose();
  });
});
