// The fused optimizer updates (LoomAdamUpdate, LoomLionUpdate, LoomMomentumUpdate) that
// @loom-ml/optimizers' adam/adamw/lion/sgd call by name, against the same optimizers' op-by-op
// chains (useFusedUpdates(false), the reference): every step's updates and state within 1e-6,
// on loom-wasm and on cpu, with schedules, weight decay masks, odd shapes; the kernels really
// run; tensor counts stay flat over 1,000 Optimizer steps; bad inputs are named errors.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import {
  Optimizer, adam, adamw, decayMatricesOnly, lion, sgd, useFusedUpdates, warmupCosineDecaySchedule,
  type GradientTransformation, type OptState, type Params,
} from '@loom-ml/optimizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededTensor, useWasmBackend, withoutHeapAccess } from '../../test/wasm-test-helpers.js';
import { registerFusedKernels } from '../register-fused-kernels.js';

useWasmBackend();
beforeAll(() => {
  registerFusedKernels('cpu');
});

// 'wide' (4,160 values) and 'odd' (4,097) take loom-wasm's SIMD momentum and Adam paths (Adam's
// in Loom's own module, pairs of values, the odd last one in the scalar loop); the others the scalar loop.
const shapes: Record<string, number[]> = { kernel: [5, 3], bias: [3], scalar: [1], conv: [3, 2, 1, 7], wide: [65, 64], odd: [17, 241] };
const schedule = warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.05, warmupSteps: 2, decaySteps: 6 });
const cases: { label: string; kernel: string; make: () => GradientTransformation }[] = [
  { label: 'adam', kernel: 'LoomAdamUpdate', make: () => adam({ learningRate: 0.01 }) },
  { label: 'adam, epsilonRoot and a schedule', kernel: 'LoomAdamUpdate', make: () => adam({ learningRate: schedule, beta2: 0.99, epsilon: 1e-6, epsilonRoot: 1e-8 }) },
  { label: 'adamw, matrices only', kernel: 'LoomAdamUpdate', make: () => adamw({ learningRate: 0.01, weightDecay: 0.1, mask: decayMatricesOnly }) },
  { label: 'lion', kernel: 'LoomLionUpdate', make: () => lion({ learningRate: 0.003 }) },
  { label: 'lion, weight decay by name and a schedule', kernel: 'LoomLionUpdate', make: () => lion({ learningRate: schedule, weightDecay: 0.5, mask: { bias: false } }) },
  { label: 'sgd, momentum', kernel: 'LoomMomentumUpdate', make: () => sgd({ learningRate: 0.1, momentum: 0.9 }) },
  { label: 'sgd, Nesterov and a schedule', kernel: 'LoomMomentumUpdate', make: () => sgd({ learningRate: schedule, momentum: 0.5, nesterov: true }) },
];

function tensorsOf(state: OptState, into: tf.Tensor[] = []): tf.Tensor[] {
  if (state instanceof tf.Tensor) into.push(state);
  else if (Array.isArray(state)) state.forEach((s) => tensorsOf(s, into));
  else if (state !== null && typeof state === 'object') Object.keys(state).sort().forEach((k) => tensorsOf((state as Record<string, OptState>)[k]!, into));
  return into;
}

/** Six steps of `transform` on seeded gradients: each step's updates and state tensors (as arrays) and numbers. */
function trajectory(transform: GradientTransformation, fused: boolean): { tensors: Float32Array[][]; numbers: string[] } {
  const previous = useFusedUpdates(fused);
  try {
    const params: Params = {};
    Object.entries(shapes).forEach(([name, shape], i) => (params[name] = seededTensor(shape, 10 + i)));
    let state = transform.init(params);
    const tensors: Float32Array[][] = [];
    const numbers: string[] = [];
    for (let step = 0; step < 6; step++) {
      const grads: Params = {};
      Object.entries(shapes).forEach(([name, shape], i) => (grads[name] = tf.mul(seededTensor(shape, 100 * step + i), step === 3 ? 1e-3 : 1)));
      const result = transform.update(grads, state, params);
      tensors.push([...Object.keys(shapes).map((k) => result.updates[k]!), ...tensorsOf(result.state)].map((t) => Float32Array.from(t.dataSync())));
      numbers.push(JSON.stringify(result.state, (_k, v) => (v instanceof tf.Tensor ? v.shape : v)));
      tf.dispose([...Object.values(grads), ...Object.values(result.updates), ...tensorsOf(state)]);
      state = result.state;
    }
    tf.dispose([...Object.values(params), ...tensorsOf(state)]);
    return { tensors, numbers };
  } finally {
    useFusedUpdates(previous);
  }
}

describe.each([['loom-wasm'], ['cpu']])('fused optimizer updates on %s', (backend) => {
  it.each(cases)('$label: updates and state equal the op-by-op chain (atol 1e-6, rtol 1e-5)', async ({ make }) => {
    await tf.setBackend(backend);
    const fused = trajectory(make(), true);
    const reference = trajectory(make(), false);
    expect(fused.numbers).toEqual(reference.numbers);
    fused.tensors.forEach((step, s) => step.forEach((values, i) => expectTensorsClose(values, reference.tensors[s]![i]!, { atol: 1e-6, rtol: 1e-5 })));
  });

  it.each(cases)('$label: runs its fused kernel, one call per parameter, and no elementwise op', async ({ make, kernel }) => {
    await tf.setBackend(backend);
    const transform = make();
    const params: Params = { a: tf.ones([4, 2]), b: tf.ones([2]) };
    const grads: Params = { a: tf.fill([4, 2], 0.5), b: tf.fill([2], -0.5) };
    const state = transform.init(params);
    let result: { updates: Params; state: OptState } | undefined;
    const profile = await tf.profile(() => {
      result = transform.update(grads, state, params);
    });
    expect(profile.kernelNames).toEqual([kernel]);
    expect(profile.kernels.length).toBe(2);
    tf.dispose([...Object.values(params), ...Object.values(grads), ...tensorsOf(state), ...Object.values(result!.updates), ...tensorsOf(result!.state)]);
  });
});

describe('fused optimizer updates in an Optimizer', () => {
  it('keep the tensor count flat over 1,000 steps (adamw on loom-wasm)', async () => {
    await tf.setBackend('loom-wasm');
    const variables = [tf.variable(seededTensor([6, 4], 1), true, 'fused_w'), tf.variable(seededTensor([4], 2), true, 'fused_b')];
    const optimizer = new Optimizer(adamw({ learningRate: 1e-3, weightDecay: 1e-2 }), variables);
    const grads: Params = { fused_w: seededTensor([6, 4], 3), fused_b: seededTensor([4], 4) };
    optimizer.step(grads);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 1000; i++) optimizer.step(grads);
    });
    expect(Number.isFinite(variables[0]!.dataSync()[0]!)).toBe(true);
    optimizer.dispose();
    tf.dispose([...variables, ...Object.values(grads)]);
  });

  it('LoomAdamUpdate in the SIMD module is bit-identical to the scalar loop (cpu), with and without weight decay', async () => {
    for (const weightDecay of [0, 0.1]) {
      const attrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, epsilonRoot: 0, correction1: 0.19, correction2: 0.0199, weightDecay, scale: -0.003 };
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const inputs = { grad: seededTensor([4097], 1), mu: tf.mul(seededTensor([4097], 2), 0.1), nu: tf.abs(tf.mul(seededTensor([4097], 3), 0.01)), param: seededTensor([4097], 4) };
          return (tf.engine().runKernel('LoomAdamUpdate', inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
        });
      };
      const wasm = await run('loom-wasm');
      const cpu = await run('cpu');
      expect(wasm).toEqual(cpu);
      // And through the module's own memory (copies), where the backend's heap is not reachable.
      expect(await withoutHeapAccess(() => run('loom-wasm'))).toEqual(cpu);
    }
  });

  it('the kernels name an input of the wrong shape', async () => {
    await tf.setBackend('loom-wasm');
    const grad = tf.zeros([2, 2]);
    const wrong = tf.zeros([2, 3]);
    expect(() => tf.engine().runKernel('LoomAdamUpdate', { grad, mu: wrong, nu: grad } as unknown as tf.NamedTensorMap, {})).toThrow(
      "Invalid value for `mu` in kernel LoomAdamUpdate. Expected the gradient's shape [2, 2]. Received: [2,3].",
    );
    tf.dispose([grad, wrong]);
  });
});
