// Per-kernel profile of training steps on loom-wasm (issue 19): wraps every kernel registered for
// loom-wasm with a timer (exclusive time: a kernel that calls other kernels, as the fused ones do,
// is charged only its own part), trains `fit` on one of the sequence bench's models (models.mjs;
// batch 128, Adam), and prints per-kernel milliseconds per step, calls per step, and what the step spent
// outside every kernel (tfjs-core's engine and tape, the fit loop, JavaScript ops).
//   pnpm --filter @loom-ml/train build && node packages/train/bench/profile-step.mjs [transformer|mlp|cnn|lstm|gru]
//   PROFILE_THREADS (default 1), PROFILE_STEPS (default 8)
import * as tf from '@tensorflow/tfjs-core';
import { initWasm, LOOM_WASM_BACKEND } from '@loom-ml/wasm';
import { fit } from '../dist/index.js';
import { loadAverage } from '../../../tools/scripts/bench.mjs';
import { batchSize, models } from './models.mjs';

const which = process.argv[2] ?? 'transformer';
const threads = Number(process.env.PROFILE_THREADS ?? 1);
const steps = Number(process.env.PROFILE_STEPS ?? 8);
tf.env().set('IS_TEST', false);
const spec = models[which];
if (spec === undefined) throw new Error(`Unknown model ${which}: one of ${Object.keys(models).join(', ')}`);

await initWasm({ threads, onNotice: () => {} });
await tf.setBackend(LOOM_WASM_BACKEND);

const stats = new Map(); // key -> { ms, calls }
let enabled = false;
const stack = []; // child time accumulators
for (const config of tf.getKernelsForBackend(LOOM_WASM_BACKEND)) {
  const original = config.kernelFunc;
  const name = config.kernelName;
  config.kernelFunc = (args) => {
    if (!enabled) return original(args);
    stack.push(0);
    const start = performance.now();
    const result = original(args);
    const total = performance.now() - start;
    const children = stack.pop();
    if (stack.length > 0) stack[stack.length - 1] += total;
    const shapes = Object.values(args.inputs).map((i) => (i === undefined ? '-' : i.shape.join('x'))).join(' ');
    const key = `${name} ${shapes}`;
    const s = stats.get(key) ?? { ms: 0, calls: 0 };
    s.ms += total - children;
    s.calls += 1;
    stats.set(key, s);
    return result;
  };
}

const model = spec.loom();
const data = spec.data(batchSize * steps);
const warm = { x: tf.slice(data.x, 0, batchSize), y: tf.slice(data.y, 0, batchSize) };
await fit(model, warm, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
await fit(model, warm, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
const loadBefore = loadAverage();
// Untimed run first (no wrappers' cost), then the profiled one.
let start = performance.now();
await fit(model, data, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
const plainMs = (performance.now() - start) / steps;
enabled = true;
start = performance.now();
await fit(model, data, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
const stepMs = (performance.now() - start) / steps;
enabled = false;

const byKernel = new Map();
let kernelMs = 0;
for (const [key, s] of stats) {
  kernelMs += s.ms;
  const name = key.split(' ')[0];
  const k = byKernel.get(name) ?? { ms: 0, calls: 0 };
  k.ms += s.ms;
  k.calls += s.calls;
  byKernel.set(name, k);
}
console.log(`${which}: ${threads} thread(s), batch ${batchSize}, ${steps} steps; load ${loadBefore} -> ${loadAverage()}; ${new Date().toISOString()}`);
console.log(`step ${plainMs.toFixed(1)} ms unprofiled (${((batchSize * 1000) / plainMs).toFixed(0)} samples/s), ${stepMs.toFixed(1)} ms profiled; in kernels ${(kernelMs / steps).toFixed(1)} ms, outside ${(stepMs - kernelMs / steps).toFixed(1)} ms`);
console.log('\nby kernel (ms per step, calls per step):');
for (const [name, k] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) console.log(`${(k.ms / steps).toFixed(2).padStart(9)} ${String(k.calls / steps).padStart(6)}  ${name}`);
console.log('\nby kernel and input shapes (top 40):');
for (const [key, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) console.log(`${(s.ms / steps).toFixed(2).padStart(9)} ${String(s.calls / steps).padStart(6)}  ${key}`);
model.dispose();
tf.dispose([data, warm]);
