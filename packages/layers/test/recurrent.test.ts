// Recurrent layers against a plain-JavaScript reference of the same equations (float64 loops,
// no tfjs ops), plus the LSTM forget-gate bias, Bidirectional's composition and error messages.
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { bidirectional, gru, lstm, simpleRnn, type Layer } from '../src/index.js';
import { seededValues } from './layer-cases.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
type Step = (xw: number[], hw: number[], states: number[][], units: number) => number[][];

/** Reference: x [batch][time][features], W [in][g*u], U [u][g*u], b and recurrent b [g*u]. */
function reference(layer: Layer, x: tf.Tensor, gates: number, step: Step, goBackwards = false): number[][][] {
  const [batch, time, features] = x.shape as number[];
  const values = layer.weights.map((w) => Array.from(w.variable.dataSync()));
  const [kernel, recurrent, bias, recurrentBias] = values;
  const u = Math.round(Math.sqrt(recurrent!.length / gates)); // U is [units, gates * units]
  const width = gates * u;
  const data = x.dataSync();
  const result: number[][][] = [];
  for (let b = 0; b < batch!; b++) {
    let states = [new Array(u).fill(0), new Array(u).fill(0)];
    const outputs: number[][] = [];
    for (let k = 0; k < time!; k++) {
      const t = goBackwards ? time! - 1 - k : k;
      const xw = Array.from({ length: width }, (_, j) => {
        let s = bias ? bias[j]! : 0;
        for (let i = 0; i < features!; i++) s += data[(b * time! + t) * features! + i]! * kernel![i * width + j]!;
        return s;
      });
      const hw = Array.from({ length: width }, (_, j) => {
        let s = recurrentBias ? recurrentBias[j]! : 0;
        for (let i = 0; i < u; i++) s += states[0]![i]! * recurrent![i * width + j]!;
        return s;
      });
      states = step(xw, hw, states, u);
      outputs.push(states[0]!);
    }
    result.push(outputs);
  }
  return result;
}

const rnnStep: Step = (xw, hw, _s, u) => [Array.from({ length: u }, (_, j) => Math.tanh(xw[j]! + hw[j]!))];
const lstmStep: Step = (xw, hw, [, c], u) => {
  const z = xw.map((v, j) => v + hw[j]!);
  const cell = Array.from({ length: u }, (_, j) => sigmoid(z[u + j]!) * c![j]! + sigmoid(z[j]!) * Math.tanh(z[2 * u + j]!));
  return [cell.map((v, j) => sigmoid(z[3 * u + j]!) * Math.tanh(v)), cell];
};
const gruStep: Step = (xw, hw, [h], u) => {
  const out = Array.from({ length: u }, (_, j) => {
    const z = sigmoid(xw[j]! + hw[j]!);
    const r = sigmoid(xw[u + j]! + hw[u + j]!);
    const candidate = Math.tanh(xw[2 * u + j]! + r * hw[2 * u + j]!);
    return z * h![j]! + (1 - z) * candidate;
  });
  return [out];
};

const x = () => tf.tensor(seededValues(2 * 5 * 3, 3), [2, 5, 3]);
const init = (seed: number) => ({ kernelInitializer: { name: 'glorotUniform' as const, seed }, recurrentInitializer: { name: 'orthogonal' as const, seed: seed + 1 } });
// float32 tfjs vs float64 loops over 5 steps: differences stay below 1e-5.
const TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

describe.each([
  { label: 'SimpleRNN', make: (extra: object) => simpleRnn({ units: 4, ...init(1), ...extra }), gates: 1, step: rnnStep },
  { label: 'LSTM', make: (extra: object) => lstm({ units: 4, ...init(3), ...extra }), gates: 4, step: lstmStep },
  { label: 'GRU', make: (extra: object) => gru({ units: 4, ...init(5), biasInitializer: { name: 'randomNormal', seed: 9, stddev: 0.5 }, ...extra }), gates: 3, step: gruStep },
])('$label matches a plain-JavaScript reference', ({ make, gates, step }) => {
  it.each([false, true])('returnSequences, goBackwards=%s', (goBackwards) => {
    const layer = make({ returnSequences: true, goBackwards });
    const input = x();
    const actual = layer.apply(input);
    expectTensorsClose(actual, reference(layer, input, gates, step, goBackwards), TOLERANCE);
    tf.dispose([input, actual]);
    layer.dispose();
  });
  it('last state equals the last step of the sequence', () => {
    const layer = make({});
    const input = x();
    const actual = layer.apply(input);
    expectTensorsClose(actual, reference(layer, input, gates, step).map((steps) => steps[steps.length - 1]!), TOLERANCE);
    tf.dispose([input, actual]);
    layer.dispose();
  });
});

describe('LSTM', () => {
  it('initialises the forget-gate bias to 1 and the other gates to 0', () => {
    const layer = lstm({ units: 2 });
    layer.apply(tf.zeros([1, 1, 3])).dispose();
    const bias = layer.weights.find((w) => w.path.endsWith('/bias'))!;
    expect(Array.from(bias.variable.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    expect(layer.weights.map((w) => w.variable.shape)).toEqual([[3, 8], [2, 8], [8]]);
    layer.dispose();
  });
  it('leaks no tensors while creating its weights', () => {
    const before = tf.memory().numTensors;
    const layer = lstm({ units: 2 });
    const input = tf.zeros([1, 1, 3]);
    layer.apply(input).dispose();
    input.dispose();
    expect(tf.memory().numTensors).toBe(before + 3); // kernel, recurrent kernel, bias
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it('unitForgetBias: false keeps the bias initializer', () => {
    const layer = lstm({ units: 2, unitForgetBias: false });
    layer.apply(tf.zeros([1, 1, 3])).dispose();
    expect(Array.from(layer.weights[2]!.variable.dataSync())).toEqual(new Array(8).fill(0));
    layer.dispose();
  });
  it('is reproducible with seeded initializers', () => {
    const a = lstm({ units: 3, ...init(7) });
    const b = lstm({ units: 3, ...init(7) });
    const input = x();
    expectTensorsClose(a.apply(input), b.apply(input), { rtol: 0, atol: 0 });
    a.dispose();
    b.dispose();
    input.dispose();
  });
});

describe('Bidirectional', () => {
  it('concatenates the forward run and the re-reversed backward run', () => {
    const layer = bidirectional({ layer: gru({ units: 3, returnSequences: true, ...init(11) }) });
    const input = x();
    const actual = layer.apply(input);
    expect(actual.shape).toEqual([2, 5, 6]);
    // Copy each direction's weights into stand-alone GRUs and compare.
    const forward = gru({ units: 3, returnSequences: true });
    const backward = gru({ units: 3, returnSequences: true, goBackwards: true });
    forward.apply(input).dispose();
    backward.apply(input).dispose();
    layer.weights.forEach((w, i) => (i < 4 ? forward : backward).weights[i % 4]!.variable.assign(w.variable));
    const expected = tf.concat([forward.apply(input), tf.reverse(backward.apply(input), 1)], -1);
    expectTensorsClose(actual, expected, { rtol: 1e-6, atol: 1e-6 });
    expect(layer.weights.map((w) => w.path.replace(layer.name, 'b'))).toEqual([
      'b/forward/kernel', 'b/forward/recurrentKernel', 'b/forward/bias', 'b/forward/recurrentBias',
      'b/backward/kernel', 'b/backward/recurrentKernel', 'b/backward/bias', 'b/backward/recurrentBias',
    ]);
    tf.dispose([input, actual, expected]);
    [layer, forward, backward].forEach((l) => l.dispose());
  });
  it('rejects a layer that is not recurrent', () => {
    expect(() => bidirectional({ name: 'bi', layer: { className: 'Dense', config: {} } as never })).toThrow(
      'Invalid value for `layer` in Bidirectional \'bi\'. Expected a SimpleRNN, LSTM or GRU layer, or { className, config } of one. Received: {"className":"Dense","config":{}}.',
    );
  });
});

describe('recurrent errors', () => {
  it('names the bad argument', () => {
    expect(() => lstm({ name: 'l', units: 0 })).toThrow("Invalid value for `units` in LSTM 'l'. Expected a positive integer. Received: 0.");
    expect(() => gru({ name: 'g', units: 2, returnSequences: 'yes' as never })).toThrow("Invalid value for `returnSequences` in GRU 'g'. Expected a boolean. Received: 'yes'.");
  });
  it('rejects inputs that are not [batch, time, features]', () => {
    const layer = simpleRnn({ name: 'r', units: 2 });
    expect(() => layer.apply(tf.zeros([2, 3]))).toThrow("SimpleRNN 'r' expected input of shape [batch, time, features] with known features, received shape [null,3].");
  });
});
