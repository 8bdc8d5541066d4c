// The whole-sequence recurrent kernels run from one source on loom-wasm (heap views, XNNPACK
// products) and on cpu (registerFusedKernels('cpu')): both must agree, forward and through the
// registered gradient, on random shapes with masks; bad inputs are named errors. The layers
// package checks them against the composite per-step path (packages/layers/test/fused-recurrent.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { onBothBackends, seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';
import { registerFusedKernels } from '../register-fused-kernels.js';
import { sigmoid, tanh } from './recurrent-sequence.js';

useWasmBackend();
beforeAll(() => {
  registerFusedKernels('cpu');
});

const kernels = [
  { name: 'LoomLSTMSequence', gates: 4, bias: false },
  { name: 'LoomGRUSequence', gates: 3, bias: true },
  { name: 'LoomSimpleRNNSequence', gates: 1, bias: false },
];

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor[] {
  return tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor[];
}

describe.each(kernels)('$name', ({ name, gates, bias }) => {
  // [batch, time, units, masked, goBackwards, returnSequences]
  const cases: [number, number, number, boolean, boolean, boolean][] = [
    [1, 1, 1, false, false, false],
    [3, 5, 7, true, false, true],
    [2, 9, 4, true, true, true],
    [5, 4, 3, false, true, false],
  ];
  it.each(cases)('agrees on loom-wasm and cpu, output and gradients: batch %i, time %i, units %i, mask %s, goBackwards %s, returnSequences %s (rtol 1e-4)', async (batch, time, units, masked, goBackwards, returnSequences) => {
    const { wasm, cpu } = await onBothBackends(() => {
      const projected = seededTensor([batch, time, gates * units], 1);
      const recurrentKernel = tf.mul(seededTensor([units, gates * units], 2), 0.5);
      const recurrentBias = bias ? seededTensor([gates * units], 3) : undefined;
      const mask = masked ? tf.cast(tf.greater(seededTensor([batch, time], 4), -0.5), 'float32') : undefined;
      const attrs = { activation: 'tanh', recurrentActivation: 'sigmoid', goBackwards, returnSequences, zeroOutputForMask: false };
      const f = (p: tf.Tensor, u: tf.Tensor, b?: tf.Tensor) => {
        const inputs: Record<string, tf.Tensor> = { projected: p, recurrentKernel: u };
        if (b !== undefined) inputs.recurrentBias = b;
        if (mask !== undefined) inputs.mask = mask;
        return run(name, inputs, attrs)[0]!;
      };
      const weights = seededTensor(returnSequences ? [batch, time, units] : [batch, units], 5);
      const args = recurrentBias ? [projected, recurrentKernel, recurrentBias] : [projected, recurrentKernel];
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(xs[0]!, xs[1]!, xs[2]), weights)))(args);
      return [f(projected, recurrentKernel, recurrentBias), ...grads];
    });
    wasm.forEach((values, i) => expectTensorsClose(values, cpu[i]!, { rtol: 1e-4, atol: 1e-5 }));
  });

  it('names a wrong recurrentKernel shape', async () => {
    await tf.setBackend('loom-wasm');
    const projected = tf.zeros([2, 3, gates * 4]);
    const kernel = tf.zeros([4, gates * 4 + 1]);
    expect(() => run(name, { projected, recurrentKernel: kernel }, { activation: 'tanh', recurrentActivation: 'sigmoid', goBackwards: false, returnSequences: false, zeroOutputForMask: false })).toThrow(
      `Invalid value for \`recurrentKernel\` in kernel ${name}. Expected shape [units, ${gates} * units]. Received: [4,${gates * 4 + 1}].`,
    );
    tf.dispose([projected, kernel]);
  });
});

describe('per-step products on loom-wasm', () => {
  // The products h·U and dRec·Uᵀ run in Loom's own SIMD module (small-gemm.ts) when their
  // column count is a multiple of 4, else through BatchMatMul; the gradient's dU is one BatchMatMul.
  it.each([
    ['LoomLSTMSequence', 4, 4, 0, 1],
    ['LoomGRUSequence', 3, 4, 0, 1],
    ['LoomGRUSequence', 3, 3, 6, 1 + 5],
    ['LoomSimpleRNNSequence', 1, 3, 6, 1 + 5],
  ] as const)('%s with %i gates and %i units: %i BatchMatMul calls forward, %i backward (6 steps)', async (name, gates, units, forwardCalls, backwardCalls) => {
    await tf.setBackend('loom-wasm');
    const config = tf.getKernel('BatchMatMul', 'loom-wasm')!;
    const original = config.kernelFunc;
    let calls = 0;
    config.kernelFunc = (args) => {
      calls++;
      return original(args);
    };
    try {
      const projected = seededTensor([2, 6, gates * units], 1);
      const kernel = tf.mul(seededTensor([units, gates * units], 2), 0.5);
      const attrs = { activation: 'tanh', recurrentActivation: 'sigmoid', goBackwards: false, returnSequences: false, zeroOutputForMask: false };
      calls = 0;
      const [y, workspace] = run(name, { projected, recurrentKernel: kernel }, attrs);
      expect(calls).toBe(forwardCalls);
      calls = 0;
      const grads = run(`${name}Grad`, { dy: tf.onesLike(y!), workspace: workspace!, recurrentKernel: kernel }, attrs);
      expect(calls).toBe(backwardCalls);
      tf.dispose([projected, kernel, y!, workspace!, ...grads]);
    } finally {
      config.kernelFunc = original;
    }
  });
});

describe('gate activations', () => {
  // Against Math.tanh / 1 / (1 + Math.exp(-x)) in float64 on a dense grid: tanh within 3e-8
  // absolute and 1.5e-7 relative (about one float32 ulp), sigmoid within 6e-7 relative.
  it('tanh and sigmoid agree with the exact functions to float32 accuracy', () => {
    let tanhAbs = 0;
    let tanhRel = 0;
    let sigmoidRel = 0;
    for (let k = -300_000; k <= 300_000; k++) {
      const x = k * 1e-4;
      const t = Math.tanh(x);
      const s = 1 / (1 + Math.exp(-x));
      tanhAbs = Math.max(tanhAbs, Math.abs(tanh(x) - t));
      if (x !== 0) tanhRel = Math.max(tanhRel, Math.abs(tanh(x) - t) / Math.abs(t));
      sigmoidRel = Math.max(sigmoidRel, Math.abs(sigmoid(x) - s) / s);
    }
    expect(tanhAbs).toBeLessThan(3e-8);
    expect(tanhRel).toBeLessThan(1.5e-7);
    expect(sigmoidRel).toBeLessThan(6e-7);
  });

  it('keep the limits, the sign of zero and NaN', () => {
    expect([tanh(Infinity), tanh(-Infinity), tanh(1e6), tanh(-1e6)]).toEqual([1, -1, 1, -1]);
    expect(Object.is(tanh(-0), -0)).toBe(true);
    expect([sigmoid(Infinity), sigmoid(-Infinity), sigmoid(0)]).toEqual([1, 0, 0.5]);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(-50)).toBeCloseTo(1.9287e-22, 25);
    expect(Number.isNaN(tanh(NaN)) && Number.isNaN(sigmoid(NaN))).toBe(true);
  });
});

describe('fused kernel registration', () => {
  it('initWasm registers the fused kernels and their gradients; registerFusedKernels is idempotent', async () => {
    for (const { name } of kernels) {
      expect(tf.getKernel(name, 'loom-wasm')).toBeDefined();
      expect(tf.getKernel(`${name}Grad`, 'loom-wasm')).toBeDefined();
      expect(tf.getGradient(name)).toBeDefined();
    }
    expect(registerFusedKernels('cpu')).toBe(0);
  });

  it('refuses an activation it does not implement, naming it', async () => {
    await tf.setBackend('loom-wasm');
    const projected = tf.zeros([1, 2, 4]);
    const kernel = tf.zeros([1, 4]);
    expect(() => run('LoomLSTMSequence', { projected, recurrentKernel: kernel }, { activation: 'gelu', recurrentActivation: 'sigmoid', goBackwards: false, returnSequences: false, zeroOutputForMask: false })).toThrow(
      "Invalid value for `activation` in kernel LoomLSTMSequence. Expected one of linear, relu, sigmoid, tanh. Received: 'gelu'.",
    );
    tf.dispose([projected, kernel]);
  });

  it('does not leak tensors forward and backward', async () => {
    await tf.setBackend('loom-wasm');
    const projected = seededTensor([2, 4, 12], 7);
    const kernel = seededTensor([3, 12], 8);
    const attrs = { activation: 'tanh', recurrentActivation: 'sigmoid', goBackwards: false, returnSequences: true, zeroOutputForMask: false };
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 5; i++) tf.tidy(() => tf.grad((p: tf.Tensor) => tf.sum(run('LoomLSTMSequence', { projected: p, recurrentKernel: kernel }, attrs)[0]!))(projected).dataSync());
    });
    tf.dispose([projected, kernel]);
  });
});
