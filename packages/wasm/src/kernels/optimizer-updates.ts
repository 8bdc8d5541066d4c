import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelHost, type KernelHost } from './kernel-host.js';
import { runHeapAdamSplit } from './attention-helper.js';
import { heapKernelsOf, type WasmBackendLike } from './backend-access.js';
import { adamPairs, type AdamConstants } from './small-gemm.js';

/**
 * Fused optimizer updates: one pass over a parameter computes its update and new state, in
 * place of the ~10 elementwise tfjs ops per parameter of the optimizer chains. The contract
 * (names, inputs, attrs, outputs) is `FUSED_UPDATE_KERNELS` in `@loom-ml/optimizers`, which
 * calls these kernels by name through tfjs-core's registry and keeps its op-by-op chain as the
 * fallback and the reference. Arithmetic is in float64, rounded to float32 once per value.
 */
export const ADAM_UPDATE = 'LoomAdamUpdate';
export const LION_UPDATE = 'LoomLionUpdate';
export const MOMENTUM_UPDATE = 'LoomMomentumUpdate';

function fail(kernel: string, what: string, expected: string, received: unknown): Error {
  return new Error(`Invalid value for \`${what}\` in kernel ${kernel}. Expected ${expected}. Received: ${JSON.stringify(received)}.`);
}

/** Every input float32 and of the gradient's shape; returns the element count. */
function checkInputs(kernel: string, inputs: Record<string, TensorInfo | undefined>): number {
  const grad = inputs.grad;
  if (grad === undefined) throw fail(kernel, 'grad', 'a tensor', null);
  for (const [name, info] of Object.entries(inputs)) {
    if (info === undefined) continue;
    if (info.dtype !== 'float32') throw fail(kernel, name, 'float32', info.dtype);
    if (info.shape.length !== grad.shape.length || info.shape.some((d, i) => d !== grad.shape[i])) throw fail(kernel, name, `the gradient's shape [${grad.shape.join(', ')}]`, info.shape);
  }
  return grad.shape.reduce((a, b) => a * b, 1);
}

function numberAttr(kernel: string, attrs: NamedAttrMap | undefined, name: string): number {
  const value = attrs?.[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(kernel, name, 'a finite number', value);
  return value;
}

/**
 * Adam's first `values` (even) values in Loom's SIMD module: in place on the backend's heap where
 * it can reach it (half in the helper worker for large parameters), else through the module's
 * own memory. Returns how many values it did.
 */
function simdAdam(backend: WasmBackendLike, views: [Float32Array, Float32Array, Float32Array, Float32Array | null, Float32Array, Float32Array, Float32Array], values: number, constants: AdamConstants): number {
  const kernels = heapKernelsOf(backend);
  if (kernels !== null) {
    if (!(values >= HEAP_ADAM_SPLIT_MIN && runHeapAdamSplit(kernels, views, values / 2, constants))) kernels.adam(views, values / 2, constants);
    return values;
  }
  const [g, m0, v0, p, u, m1, v1] = views;
  return adamPairs(g, m0, v0, p, u, m1, v1, constants);
}

const adamUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const { grad, mu, nu, param } = inputs as Record<string, TensorInfo | undefined>;
  const n = checkInputs(ADAM_UPDATE, { grad, mu, nu, param });
  if (mu === undefined || nu === undefined) throw fail(ADAM_UPDATE, mu === undefined ? 'mu' : 'nu', 'a tensor', null);
  const [beta1, beta2, epsilon, epsilonRoot, correction1, correction2, weightDecay, scale] = ['beta1', 'beta2', 'epsilon', 'epsilonRoot', 'correction1', 'correction2', 'weightDecay', 'scale'].map((a) => numberAttr(ADAM_UPDATE, attrs, a)) as number[] as [number, number, number, number, number, number, number, number];
  if (weightDecay !== 0 && param === undefined) throw fail(ADAM_UPDATE, 'param', 'the parameter (weightDecay is not 0)', null);
  const host = kernelHost(backend, ADAM_UPDATE);
  const outputs = [host.alloc(grad!.shape), host.alloc(grad!.shape), host.alloc(grad!.shape)];
  // Views after every alloc: the wasm heap may have grown.
  const g = host.f32(grad!);
  const m0 = host.f32(mu);
  const v0 = host.f32(nu);
  const p = param === undefined ? null : host.f32(param);
  const [u, m1, v1] = outputs.map((o) => host.f32(o)) as [Float32Array, Float32Array, Float32Array];
  const b1 = 1 - beta1;
  const b2 = 1 - beta2;
  // As scaleByAdam: with epsilonRoot 0, (m/c1)/(sqrt(v/c2)+eps) = m·(sqrt(c2)/c1)/(sqrt(v)+eps·sqrt(c2)).
  const root2 = Math.sqrt(correction2);
  const factor = root2 / correction1;
  const epsScaled = epsilon * root2;
  // On loom-wasm, above a few thousand values, Loom's SIMD module does the pairs (bit-identical:
  // the same float64 operations in the same order); the loop below does the rest.
  const wd = p === null ? 0 : weightDecay;
  const constants: AdamConstants = [beta1, b1, beta2, b2, factor, epsScaled, wd, scale];
  // With the helper worker (2+ threads, a large parameter), half of the pairs run there (attention-helper.ts).
  const pairs = 2 * Math.floor(n / 2);
  const simd = host.kind === 'wasm' && epsilonRoot === 0 && n >= SIMD_ADAM_MIN;
  const done = simd ? simdAdam(backend as unknown as WasmBackendLike, [g, m0, v0, p, u, m1, v1], pairs, constants) : 0;
  for (let i = done; i < n; i++) {
    const gi = g[i] as number;
    const m = Math.fround(beta1 * (m0[i] as number) + b1 * gi);
    const v = Math.fround(beta2 * (v0[i] as number) + b2 * gi * gi);
    m1[i] = m;
    v1[i] = v;
    let update = epsilonRoot === 0 ? (m * factor) / (Math.sqrt(v) + epsScaled) : m / correction1 / (Math.sqrt(v / correction2 + epsilonRoot) + epsilon);
    if (p !== null) update += weightDecay * (p[i] as number);
    u[i] = update * scale;
  }
  return outputs;
};

const lionUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const { grad, mu, param } = inputs as Record<string, TensorInfo | undefined>;
  const n = checkInputs(LION_UPDATE, { grad, mu, param });
  if (mu === undefined) throw fail(LION_UPDATE, 'mu', 'a tensor', null);
  const [beta1, beta2, weightDecay, scale] = ['beta1', 'beta2', 'weightDecay', 'scale'].map((a) => numberAttr(LION_UPDATE, attrs, a)) as [number, number, number, number];
  if (weightDecay !== 0 && param === undefined) throw fail(LION_UPDATE, 'param', 'the parameter (weightDecay is not 0)', null);
  const host = kernelHost(backend, LION_UPDATE);
  const outputs = [host.alloc(grad!.shape), host.alloc(grad!.shape)];
  const g = host.f32(grad!);
  const m0 = host.f32(mu);
  const p = param === undefined ? null : host.f32(param);
  const [u, m1] = outputs.map((o) => host.f32(o)) as [Float32Array, Float32Array];
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const m = m0[i] as number;
    // The sign of the float32 interpolation, as tf.sign sees it. Math.sign, not comparisons:
    // the signs of gradients are random, and mispredicted branches cost more than the math.
    let update = Math.sign(Math.fround(beta1 * m + c1 * gi));
    if (p !== null) update += weightDecay * (p[i] as number);
    u[i] = update * scale;
    m1[i] = beta2 * m + c2 * gi;
  }
  return outputs;
};

const momentumUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const { grad, trace } = inputs as Record<string, TensorInfo | undefined>;
  const n = checkInputs(MOMENTUM_UPDATE, { grad, trace });
  if (trace === undefined) throw fail(MOMENTUM_UPDATE, 'trace', 'a tensor', null);
  const decay = numberAttr(MOMENTUM_UPDATE, attrs, 'decay');
  const scale = numberAttr(MOMENTUM_UPDATE, attrs, 'scale');
  const nesterov = attrs?.nesterov === true;
  const host = kernelHost(backend, MOMENTUM_UPDATE);
  // Three multiply-adds per value: on long arrays the backend's own SIMD kernels beat a scalar
  // JavaScript loop (3x at 100k values), and calling them here still skips the engine's per-op work.
  if (host.kind === 'wasm' && n > SIMD_MOMENTUM_MIN) return momentumBySimd(host, grad!, trace, decay, scale, nesterov);
  const outputs = [host.alloc(grad!.shape), host.alloc(grad!.shape)];
  const g = host.f32(grad!);
  const t0 = host.f32(trace);
  const [u, t1] = outputs.map((o) => host.f32(o)) as [Float32Array, Float32Array];
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const t = Math.fround(gi + decay * (t0[i] as number));
    t1[i] = t;
    u[i] = (nesterov ? gi + decay * t : t) * scale;
  }
  return outputs;
};

/** From this many values, Adam on loom-wasm runs in Loom's SIMD module (copies in and out cost more than they save on small tensors). */
const SIMD_ADAM_MIN = 4096;
// From this many values (in place on the heap) the helper worker takes half: below it, waking it costs more than it saves.
// (Adam in place on 2-core Node 20, 2026-12-04: 320,000 values 650-700 µs split vs 620-665 alone;
// 1,048,576: 1.79 vs 2.06 ms; 4,194,304: 5.0 vs 8.6 ms.)
const HEAP_ADAM_SPLIT_MIN = 1 << 20;

/** Above this many values, momentum on loom-wasm runs as the backend's SIMD kernels (measured: the scalar loop wins below ~4k values). */
const SIMD_MOMENTUM_MIN = 4096;

/** `trace = g + decay·trace0`, `update = scale·(trace or g + decay·trace)` through the backend's own Multiply/Add kernels. */
function momentumBySimd(host: KernelHost, grad: TensorInfo, trace: TensorInfo, decay: number, scale: number, nesterov: boolean): TensorInfo[] {
  const scalar = (value: number) => {
    const info = host.alloc([]);
    host.f32(info)[0] = value;
    return info;
  };
  const decayInfo = scalar(decay);
  const scaleInfo = scalar(scale);
  const temporaries = [decayInfo, scaleInfo];
  const decayed = host.run('Multiply', { a: trace, b: decayInfo });
  temporaries.push(decayed);
  const next = host.run('Add', { a: grad, b: decayed });
  let direction = next;
  if (nesterov) {
    const ahead = host.run('Multiply', { a: next, b: decayInfo });
    direction = host.run('Add', { a: grad, b: ahead });
    temporaries.push(ahead, direction);
  }
  const update = host.run('Multiply', { a: direction, b: scaleInfo });
  for (const info of temporaries) host.free(info);
  return [update, next];
}

/** The fused optimizer update kernels (no gradients: they run outside the tape). */
export const optimizerUpdateKernels: Omit<KernelConfig, 'backendName'>[] = [
  { kernelName: ADAM_UPDATE, kernelFunc: adamUpdate },
  { kernelName: LION_UPDATE, kernelFunc: lionUpdate },
  { kernelName: MOMENTUM_UPDATE, kernelFunc: momentumUpdate },
];
