import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { importTfjsModel } from './import-tfjs-model.js';
import type { TfjsModelArtifacts } from './tfjs-artifacts.js';

// tfjs-layers cannot build a reset_after GRU (Keras' default since 2.3), so this fixture is a
// model.json as tensorflowjs_converter writes it for a Keras GRU, and the reference is the
// Keras GRUCell formula computed by hand in plain JavaScript below.

const units = 3;
const features = 2;
const steps = 4;

function seededValues(count: number, seed: number): Float32Array {
  // Small linear congruential generator: deterministic values in [-0.5, 0.5).
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

const kernel = seededValues(features * 3 * units, 1); // [features, 3·units], gates z, r, h
const recurrentKernel = seededValues(units * 3 * units, 2); // [units, 3·units]
const bias = seededValues(2 * 3 * units, 3); // [2, 3·units]: input bias, then recurrent bias

function kerasGruArtifacts(config: Record<string, unknown> = {}): TfjsModelArtifacts {
  const weightData = new Float32Array([...kernel, ...recurrentKernel, ...bias]).buffer;
  return {
    format: 'layers-model',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'keras_gru',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, steps, features], dtype: 'float32', name: 'gru_input' } },
            {
              class_name: 'GRU',
              config: { name: 'gru', units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: true, reset_after: true, dropout: 0.0, recurrent_dropout: 0.0, ...config },
            },
          ],
        },
      },
    },
    weightSpecs: [
      { name: 'gru/gru_cell/kernel', shape: [features, 3 * units], dtype: 'float32' },
      { name: 'gru/gru_cell/recurrent_kernel', shape: [units, 3 * units], dtype: 'float32' },
      { name: 'gru/gru_cell/bias', shape: [2, 3 * units], dtype: 'float32' },
    ],
    weightData,
  };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface GruWeights {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
}

/** Keras GRUCell (reset_after=True): z, r from x·W + b_in + h·U + b_rec; candidate tanh(x_h + r·(h·U_h + b_rec_h)). */
function kerasGru(input: number[][][], w: GruWeights = { kernel, recurrentKernel, bias }): number[][][] {
  return input.map((sequence) => {
    let h = new Array<number>(units).fill(0);
    const outputs: number[][] = [];
    for (const x of sequence) {
      const fromInput = Array.from({ length: 3 * units }, (_, j) => w.bias[j]! + x.reduce((s, xi, i) => s + xi * w.kernel[i * 3 * units + j]!, 0));
      const fromState = Array.from({ length: 3 * units }, (_, j) => w.bias[3 * units + j]! + h.reduce((s, hi, i) => s + hi * w.recurrentKernel[i * 3 * units + j]!, 0));
      h = h.map((previous, k) => {
        const z = sigmoid(fromInput[k]! + fromState[k]!);
        const r = sigmoid(fromInput[units + k]! + fromState[units + k]!);
        const candidate = Math.tanh(fromInput[2 * units + k]! + r * fromState[2 * units + k]!);
        return z * previous + (1 - z) * candidate;
      });
      outputs.push(h);
    }
    return outputs;
  });
}

describe('importTfjsModel: a converted Keras GRU (reset_after=true)', () => {
  it('matches the Keras GRUCell formula computed by hand (atol 1e-5)', async () => {
    const model = await importTfjsModel(kerasGruArtifacts());
    expect(model.name).toBe('keras_gru');
    const input = [
      [[0.1, -0.4], [0.7, 0.2], [-0.3, 0.9], [0.5, 0.5]],
      [[-1, 0.3], [0.2, -0.8], [0.6, 0.1], [0, 1.2]],
    ];
    const x = tf.tensor3d(input);
    const y = model.apply(x);
    expectTensorsClose(y, kerasGru(input), { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, y]);
    model.dispose();
  });

  it('refuses a reset_after=false GRU, the only kind tfjs-layers builds', async () => {
    await expect(importTfjsModel(kerasGruArtifacts({ reset_after: false }))).rejects.toThrow(
      "Invalid value for `reset_after` in GRU 'gru'. Expected true (Loom's GRU applies the reset gate after the recurrent matMul, as Keras does by default; a reset_after=false GRU, the only kind tfjs-layers builds, computes a different function). Received: false.",
    );
  });

  it('refuses a GRU bias that is not [2, 3·units]', async () => {
    const artifacts = kerasGruArtifacts();
    artifacts.weightSpecs![2] = { name: 'gru/gru_cell/bias', shape: [3, 2 * units], dtype: 'float32' };
    await expect(importTfjsModel(artifacts)).rejects.toThrow("Invalid value for `bias` in GRU 'gru'. Expected shape [2, 9]. Received: [3, 6].");
  });

  it('a Keras Bidirectional GRU: forward and backward weights go to their own direction', async () => {
    const backward: GruWeights = { kernel: seededValues(kernel.length, 4), recurrentKernel: seededValues(recurrentKernel.length, 5), bias: seededValues(bias.length, 6) };
    const gruConfig = { name: 'gru', units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: true, reset_after: true };
    const artifacts: TfjsModelArtifacts = {
      modelTopology: {
        keras_version: '2.15.0',
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'bi_gru',
            layers: [{ class_name: 'Bidirectional', config: { name: 'bi', merge_mode: 'concat', batch_input_shape: [null, steps, features], layer: { class_name: 'GRU', config: gruConfig } } }],
          },
        },
      },
      // Keras lists the forward cell's weights, then the backward cell's.
      weightSpecs: (['forward', 'backward'] as const).flatMap((direction) => [
        { name: `bi/${direction}_gru/gru_cell/kernel`, shape: [features, 3 * units], dtype: 'float32' },
        { name: `bi/${direction}_gru/gru_cell/recurrent_kernel`, shape: [units, 3 * units], dtype: 'float32' },
        { name: `bi/${direction}_gru/gru_cell/bias`, shape: [2, 3 * units], dtype: 'float32' },
      ]),
      weightData: new Float32Array([...kernel, ...recurrentKernel, ...bias, ...backward.kernel, ...backward.recurrentKernel, ...backward.bias]).buffer,
    };
    const model = await importTfjsModel(artifacts);
    const input = [[[0.3, -0.2], [0.1, 0.8], [-0.6, 0.4], [0.9, -0.1]]];
    // Keras: the backward GRU reads the sequence reversed; its outputs are re-reversed to line up with the input steps.
    const forwardOut = kerasGru(input)[0]!;
    const backwardOut = kerasGru([[...input[0]!].reverse()], backward)[0]!.reverse();
    const expected = [forwardOut.map((h, t) => [...h, ...backwardOut[t]!])];
    const x = tf.tensor3d(input);
    const y = model.apply(x);
    expectTensorsClose(y, expected, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, y]);
    model.dispose();
  });
});
