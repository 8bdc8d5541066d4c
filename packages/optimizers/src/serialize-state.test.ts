import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { OptimizerError } from './errors.js';
import { deserializeOptState, serializeOptState, validateSerializedOptState, type SerializedNode } from './serialize-state.js';
import { collectTensors } from './tree.js';
import type { OptState } from './types.js';

describe('serializeOptState / deserializeOptState', () => {
  it('round-trips tensors bit for bit, numbers, nulls, NaN and infinities, and parameters named "shape"', async () => {
    const state: OptState = [
      { count: 3, best: -Infinity, nan: Number.NaN, mu: { shape: tf.tensor1d([0.1, 1 / 3]), values: tf.tensor2d([[1e-30]]) } },
      null,
    ];
    const json = JSON.parse(JSON.stringify(await serializeOptState(state)));
    const restored = deserializeOptState(json, state) as OptState[];
    const original = collectTensors(state);
    const copies = collectTensors(restored);
    expect(copies.map((t) => Array.from(t.dataSync()))).toEqual(original.map((t) => Array.from(t.dataSync())));
    expect(copies.map((t) => t.shape)).toEqual([[2], [1, 1]]);
    const first = restored[0] as Record<string, OptState>;
    expect(first.count).toBe(3);
    expect(first.best).toBe(-Infinity);
    expect(first.nan).toBeNaN();
    expect(restored[1]).toBeNull();
    tf.dispose([...original, ...copies]);
  });
});

describe('validateSerializedOptState / deserializeOptState with damaged or hostile input', () => {
  const tensor = (shape: number[], values: unknown[], dtype = 'float32') => ({ type: 'tensor', shape, dtype, values });
  const snapshot = (state: unknown, extra: Record<string, unknown> = {}) => ({ format: 'loom-optimizer-state', version: 1, stepCount: 2, state, ...extra });

  it('accepts what getState writes, through JSON', async () => {
    const state: OptState = { count: 1, best: Infinity, mu: { w: tf.tensor2d([[1, 2]]), i: tf.tensor1d([3], 'int32') } };
    const json = JSON.parse(JSON.stringify(snapshot(await serializeOptState(state))));
    expect(validateSerializedOptState(json)).toBe(json);
    tf.dispose(collectTensors(state));
  });

  it.each([
    ['a wrong format', { format: 'x', version: 1 }, "Invalid value for `state` in Optimizer.setState. Expected a snapshot from Optimizer.getState() (format 'loom-optimizer-state', version 1). Received: {\"format\":\"x\",\"version\":1}."],
    ['a negative step count', snapshot(null, { stepCount: -1 }), 'Invalid value for `stepCount` in Optimizer.setState. Expected a non-negative integer. Received: -1.'],
    ['variable names that are not strings', snapshot(null, { variables: [1] }), 'Invalid value for `variables` in Optimizer.setState. Expected an array of variable names. Received: [1].'],
    ['an unknown dtype', snapshot([tensor([1], [1], 'float64')]), "Invalid value for `state[0].dtype` in Optimizer.setState. Expected 'float32', 'int32' or 'bool'. Received: 'float64'."],
    ['a shape that is not integers', snapshot(tensor([1.5], [1])), 'Invalid value for `state.shape` in Optimizer.setState. Expected an array of non-negative integers. Received: [1.5].'],
    ['a shape larger than its values', snapshot(tensor([20000, 20000], [1, 2])), 'Invalid value for `state.values` in Optimizer.setState. Expected 400000000 values (shape [20000, 20000]). Received: 2 values.'],
    ['a NaN that JSON turned into null', snapshot({ type: 'object', entries: { m: tensor([2], [0.5, null]) } }), 'Invalid value for `state.m.values[1]` in Optimizer.setState. Expected a finite number. Received: null.'],
    ['a fractional int32 value', snapshot(tensor([1], [0.5], 'int32')), 'Invalid value for `state.values[0]` in Optimizer.setState. Expected a 32-bit integer. Received: 0.5.'],
    ['a bool value of 2', snapshot(tensor([1], [2], 'bool')), 'Invalid value for `state.values[0]` in Optimizer.setState. Expected 0 or 1. Received: 2.'],
    ['an untagged object', snapshot({ a: 1 }), "Invalid value for `state.type` in Optimizer.setState. Expected 'tensor', 'number' or 'object'. Received: undefined."],
    ['a tagged number that is finite', snapshot({ type: 'number', value: '5' }), "Invalid value for `state.value` in Optimizer.setState. Expected 'NaN', 'Infinity' or '-Infinity'. Received: '5'."],
  ])('refuses %s, naming the field', (_what, value, message) => {
    expect(() => validateSerializedOptState(value)).toThrow(new OptimizerError(message));
  });

  it('refuses a tree nested deeper than 64 levels without overflowing the stack', () => {
    let deep: unknown = null;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => validateSerializedOptState(snapshot(deep))).toThrow('Expected a state tree at most 64 levels deep');
  });

  it('names the file and prefixes the field when told where the snapshot came from', () => {
    expect(() => validateSerializedOptState(snapshot(tensor([1], [null])), { where: "checkpoint file 'a.json'", field: 'optimizer' })).toThrow(
      "Invalid value for `optimizer.state.values[0]` in checkpoint file 'a.json'. Expected a finite number. Received: null.",
    );
  });

  it('cuts a hostile long value in the message', () => {
    expect(() => validateSerializedOptState(snapshot(tensor([1], [1], 'x'.repeat(1_000_000))))).toThrow(/Received: 'x{80}…' \(1000000 characters\)\.$/);
  });

  it('deserializeOptState refuses a dtype other than the template and a null value, leaking nothing', () => {
    const template: OptState = { a: tf.tensor1d([1, 2]), b: tf.tensor1d([1, 2]) };
    const good = tensor([2], [3, 4]);
    expectNoLeakedTensors(() => {
      expect(() => deserializeOptState({ type: 'object', entries: { a: good, b: tensor([2], [1, 2], 'int32') } } as SerializedNode, template)).toThrow(
        'Invalid value for `state.b` in Optimizer.setState. Expected a float32 tensor. Received: a int32 tensor of shape [2].',
      );
      expect(() => deserializeOptState({ type: 'object', entries: { a: good, b: tensor([2], [1, null]) } } as SerializedNode, template)).toThrow(
        'Invalid value for `state.b.values[1]` in Optimizer.setState. Expected a finite number. Received: null.',
      );
    });
    tf.dispose(collectTensors(template));
  });

  it('deserializeOptState checks the whole tree before making its first tensor', () => {
    const template: OptState = { a: tf.zeros([64, 64]), b: tf.zeros([2]) };
    const bad = { type: 'object', entries: { a: tensor([64, 64], new Array(4096).fill(1)), b: tensor([2], [1, Number.NaN]) } } as SerializedNode;
    // Tensor ids count up by one per tensor made: two probes one apart mean none in between.
    const before = tf.scalar(0);
    expect(() => deserializeOptState(bad, template)).toThrow('state.b');
    const after = tf.scalar(0);
    expect(after.id - before.id).toBe(1);
    tf.dispose([before, after, ...collectTensors(template)]);
  });
});
