import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { chain } from './chain.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { multiSteps } from './multi-steps.js';
import { Optimizer } from './optimizer.js';
import { reduceOnPlateau } from './reduce-on-plateau.js';
import { sgd } from './sgd.js';
import type { GradientTransformation } from './types.js';

/** A deterministic gradient for step `k`: f = sum((w - target)^2) plus a step-dependent wobble. */
function gradient(w: tf.Variable, k: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(tf.sub(w, 1), 2), Math.sin(k)));
}

function makeVariables(prefix: string): tf.Variable[] {
  return [
    tf.variable(tf.tensor2d([[0.5, -0.25], [1, 2]]), true, `${prefix}/kernel`),
    tf.variable(tf.tensor1d([0.1, -0.1]), true, `${prefix}/bias`),
  ];
}

function stepWith(optimizer: Optimizer, variables: tf.Variable[], k: number): void {
  const grads: Record<string, tf.Tensor> = {};
  for (const v of variables) grads[v.name] = gradient(v, k);
  optimizer.step(grads);
  tf.dispose(Object.values(grads));
}

const transforms: [string, () => GradientTransformation][] = [
  ['adam', () => adam({ learningRate: 0.01 })],
  ['clip + adamw + plateau', () => chain(clipByGlobalNorm(1), adamw({ learningRate: 0.01, weightDecay: 0.1 }), reduceOnPlateau({ patience: 1 }))],
  ['multiSteps(sgd momentum)', () => multiSteps(sgd({ learningRate: 0.1, momentum: 0.9 }), { every: 3 })],
];

describe('Optimizer', () => {
  it.each(transforms)('%s: keeps tf.memory().numTensors flat over 100 steps', (_name, make) => {
    const variables = makeVariables(`flat-${_name}`);
    const base = tf.memory().numTensors;
    const optimizer = new Optimizer(make(), variables);
    stepWith(optimizer, variables, 0); // first step: state tensors replace the init ones
    const after1 = tf.memory().numTensors;
    for (let k = 1; k < 100; k++) {
      if (k % 10 === 0) optimizer.reportMetric(1);
      stepWith(optimizer, variables, k);
      expect(tf.memory().numTensors).toBe(after1);
    }
    expect(optimizer.stepCount).toBe(100);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(base); // every state tensor released, variables kept
    tf.dispose(variables);
  });

  it.each(transforms)('%s: state saved after 5 steps and restored continues bit for bit', async (_name, make) => {
    const original = makeVariables('orig');
    original.forEach((v) => expect(v.name.startsWith('orig/')).toBe(true));
    const first = new Optimizer(make(), original);
    for (let k = 0; k < 5; k++) stepWith(first, original, k);
    // Through JSON text, exactly as a checkpoint file would carry it.
    const snapshot = JSON.parse(JSON.stringify(await first.getState()));

    const restoredVariables = makeVariables('copy');
    original.forEach((v, i) => restoredVariables[i]?.assign(v));
    const second = new Optimizer(make(), restoredVariables);
    // The copy's variables have other names: the snapshot is matched by position.
    expect(restoredVariables.map((v) => v.name)).not.toEqual(original.map((v) => v.name));
    second.setState(snapshot);
    expect(second.stepCount).toBe(5);

    for (let k = 5; k < 8; k++) {
      stepWith(first, original, k);
      stepWith(second, restoredVariables, k);
    }
    original.forEach((v, i) => {
      expect(Array.from(restoredVariables[i]?.dataSync() ?? [])).toEqual(Array.from(v.dataSync()));
    });
    // The continued states agree too (apart from the variable names they are keyed by).
    const continued = await first.getState();
    const resumed = await second.getState();
    expect(resumed.stepCount).toBe(8);
    expect(JSON.stringify(resumed.state)).toBe(
      JSON.stringify(continued.state).replaceAll(`"${original[0]?.name}"`, `"${restoredVariables[0]?.name}"`).replaceAll(`"${original[1]?.name}"`, `"${restoredVariables[1]?.name}"`),
    );
    first.dispose();
    second.dispose();
    tf.dispose([...original, ...restoredVariables]);
  });

  it('getState is JSON-safe: tensors as {shape, dtype, values}, Infinity tagged', async () => {
    const variables = [tf.variable(tf.tensor1d([1, 2]), true, 'json/w')];
    const optimizer = new Optimizer(chain(adam({ learningRate: 0.1 }), reduceOnPlateau()), variables);
    const state = await optimizer.getState();
    const text = JSON.stringify(state);
    expect(JSON.parse(text)).toEqual(state);
    expect(text).toContain('{"type":"tensor","shape":[2],"dtype":"float32","values":[0,0]}');
    expect(text).toContain('{"type":"number","value":"Infinity"}');
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('setState refuses a damaged snapshot whole: no tensor made, state and step count kept', async () => {
    const variables = [tf.variable(tf.tensor1d([1, 2]), true, 'damaged/w'), tf.variable(tf.tensor1d([3]), true, 'damaged/b')];
    const optimizer = new Optimizer(adam({ learningRate: 0.1 }), variables);
    optimizer.step({ 'damaged/w': tf.ones([2]), 'damaged/b': tf.ones([1]) });
    const good = await optimizer.getState();
    // A NaN moment turns into null in JSON text; the first variable's state is intact.
    const damaged = JSON.parse(JSON.stringify(good).replace(/("damaged\/b":\{"type":"tensor","shape":\[1\],"dtype":"float32","values":\[)[^\]]*/, '$1null'));
    const before = tf.scalar(0);
    expect(() => optimizer.setState({ ...damaged, stepCount: 7 })).toThrow(/Invalid value for `state\[0\]\.\w+\.damaged\/b\.values\[0\]` in Optimizer\.setState\. Expected a finite number\. Received: null\./);
    const after = tf.scalar(0);
    expect(after.id - before.id).toBe(1);
    expect(optimizer.stepCount).toBe(1);
    expect(await optimizer.getState()).toEqual(good);
    optimizer.dispose();
    tf.dispose([before, after, ...variables]);
  });

  it('setState rejects a snapshot of another shape and leaks nothing', async () => {
    const a = [tf.variable(tf.tensor1d([1, 2]), true, 'shape/w')];
    const b = [tf.variable(tf.tensor1d([1, 2, 3]), true, 'shape/w2')];
    const fromA = new Optimizer(adam(), a);
    const snapshot = await fromA.getState();
    const intoB = new Optimizer(adam(), b);
    expectNoLeakedTensors(() => expect(() => intoB.setState(snapshot)).toThrow(/Expected a tensor of shape \[3\]/));
    expect(() => intoB.setState(snapshot)).toThrow(
      'Invalid value for `state[0].mu.shape/w2` in Optimizer.setState. Expected a tensor of shape [3] with 3 values. Received: a tensor of shape [2].',
    );
    expect(() => intoB.setState({ ...snapshot, variables: ['a', 'b'] })).toThrow(
      'Invalid value for `variables` in Optimizer.setState. Expected a snapshot of 1 variables. Received: 2.',
    );
    expect(() => intoB.setState({ format: 'other' } as never)).toThrow(/Invalid value for `state` in Optimizer.setState/);
    fromA.dispose();
    intoB.dispose();
    tf.dispose([...a, ...b]);
  });

  it('step names missing and unknown gradients', () => {
    const variables = [tf.variable(tf.tensor1d([1]), true, 'names/w')];
    const optimizer = new Optimizer(sgd({ learningRate: 0.1 }), variables);
    const g = tf.tensor1d([1]);
    expect(() => optimizer.step({})).toThrow(
      'Invalid value for `grads` in Optimizer.step. Expected one gradient per variable, keyed by variable name (missing: names/w). Received: [].',
    );
    expect(() => optimizer.step({ 'names/w': g, other: g })).toThrow(/\(unknown: other\)/);
    optimizer.step({ 'names/w': g });
    expect(variables[0]?.dataSync()[0]).toBeCloseTo(0.9, 6);
    optimizer.dispose();
    expect(() => optimizer.step({ 'names/w': g })).toThrow('This Optimizer has been disposed; create a new one.');
    tf.dispose([g, ...variables]);
  });

  it('rejects duplicate variable names', () => {
    const v = tf.variable(tf.tensor1d([1]), true, 'dup/w');
    expect(() => new Optimizer(sgd({ learningRate: 0.1 }), [v, v])).toThrow(
      "Invalid value for `variables` in Optimizer. Expected variables with unique names. Received: 'dup/w'.",
    );
    v.dispose();
  });
});
