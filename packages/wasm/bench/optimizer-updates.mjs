// Benchmark: one optimizer step on MLP 784-128-10 parameters on loom-wasm, the fused update
// kernels (one call per parameter) vs the same optimizers' op-by-op chains, interleaved rounds
// in one run. Prints steps/s (wall clock), the process's CPU time per step (steadier when other
// jobs load the machine), the ratios and the load average. Run after `pnpm build`.
import * as tf from '@tensorflow/tfjs-core';
import { Optimizer, adam, adamw, lion, sgd, useFusedUpdates } from '@loom-ml/optimizers';
import { initWasm } from '../dist/index.js';
import { interleavedRounds, loadAverage, machineLine } from '../../../tools/scripts/bench.mjs';

const threads = Number(process.env.BENCH_THREADS ?? 2);
const steps = Number(process.env.BENCH_STEPS ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
await initWasm({ threads });
const shapes = { kernel1: [784, 128], bias1: [128], kernel2: [128, 10], bias2: [10] };
const cases = [
  ['adam', () => adam({ learningRate: 1e-3 })],
  ['adamw', () => adamw({ learningRate: 1e-3, weightDecay: 1e-2 })],
  ['lion', () => lion({ learningRate: 1e-4, weightDecay: 1e-2 })],
  ['sgd + momentum 0.9', () => sgd({ learningRate: 1e-2, momentum: 0.9 })],
];

function setUp(make, prefix) {
  const variables = Object.entries(shapes).map(([name, shape], i) => tf.variable(tf.randomNormal(shape, 0, 0.05, 'float32', i), true, `${prefix}/${name}`));
  const grads = {};
  variables.forEach((v, i) => (grads[v.name] = tf.randomNormal(v.shape, 0, 0.01, 'float32', 100 + i)));
  return { optimizer: new Optimizer(make(), variables), variables, grads };
}

function rate(run, fused) {
  useFusedUpdates(fused);
  for (let i = 0; i < 5; i++) run.optimizer.step(run.grads);
  run.variables[0].dataSync();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < steps; i++) run.optimizer.step(run.grads);
  run.variables[0].dataSync();
  const cpu = process.cpuUsage(cpuStart);
  return { perSecond: steps / ((performance.now() - start) / 1000), cpuMicros: (cpu.user + cpu.system) / steps };
}

console.log(`@loom-ml/wasm: optimizer step on MLP 784-128-10 parameters, loom-wasm ${threads} threads, ${steps} steps x ${rounds} interleaved rounds, best round of each; ${machineLine()}`);
for (const [name, make] of cases) {
  const fusedRun = setUp(make, `fused-${name}`);
  const chainRun = setUp(make, `chain-${name}`);
  const results = await interleavedRounds({ fused: () => rate(fusedRun, true), chain: () => rate(chainRun, false) }, { rounds });
  // The best round of each (highest rate, least CPU): the least disturbed by other jobs.
  const best = (runs) => ({ perSecond: Math.max(...runs.map((r) => r.perSecond)), cpuMicros: Math.min(...runs.map((r) => r.cpuMicros)) });
  const fused = best(results.fused);
  const chain = best(results.chain);
  useFusedUpdates(true);
  console.log(
    `${name.padEnd(20)} fused ${fused.perSecond.toFixed(0).padStart(6)} steps/s ${fused.cpuMicros.toFixed(0).padStart(6)} us CPU   ` +
      `chain ${chain.perSecond.toFixed(0).padStart(6)} steps/s ${chain.cpuMicros.toFixed(0).padStart(6)} us CPU   ` +
      `ratio ${(fused.perSecond / chain.perSecond).toFixed(2)}x wall, ${(chain.cpuMicros / fused.cpuMicros).toFixed(2)}x CPU`,
  );
  for (const run of [fusedRun, chainRun]) {
    run.optimizer.dispose();
    tf.dispose([...run.variables, ...Object.values(run.grads)]);
  }
}
console.log(`load average after: ${loadAverage()}`);
