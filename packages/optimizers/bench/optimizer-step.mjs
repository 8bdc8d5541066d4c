// Benchmark: one optimizer step on MLP-sized parameters (784x128, 128, 128x10, 10), Loom's
// Optimizer vs tfjs-core's built-in tf.train optimizers, on the same (cpu) backend, in one run,
// interleaved rounds (BENCH_ROUNDS, default 3). Prints median steps/s and the median of the
// per-round ratios (> 1 means Loom is faster), with the load average. Run after `pnpm build`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Optimizer, adam, sgd } from '../dist/index.js';
import { interleavedRounds, machineLine, median, ratios } from '../../../tools/scripts/bench.mjs';

const shapes = { 'dense/kernel': [784, 128], 'dense/bias': [128], 'out/kernel': [128, 10], 'out/bias': [10] };
const steps = Number(process.env.BENCH_STEPS ?? 40);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

function makeVariables(prefix) {
  return Object.entries(shapes).map(([name, shape], i) =>
    tf.variable(tf.randomNormal(shape, 0, 0.05, 'float32', i), true, `${prefix}/${name}`),
  );
}

function gradsFor(variables) {
  const grads = {};
  variables.forEach((v, i) => (grads[v.name] = tf.randomNormal(v.shape, 0, 0.01, 'float32', 100 + i)));
  return grads;
}

function time(label, stepFn, variables) {
  const grads = gradsFor(variables);
  for (let i = 0; i < 3; i++) stepFn(grads); // warm-up
  variables[0].dataSync();
  const start = performance.now();
  for (let i = 0; i < steps; i++) stepFn(grads);
  variables[0].dataSync(); // wait for pending work
  const seconds = (performance.now() - start) / 1000;
  tf.dispose(Object.values(grads));
  return steps / seconds;
}

await tf.setBackend('cpu');
const cases = [
  ['adam', () => adam({ learningRate: 1e-3 }), () => tf.train.adam(1e-3)],
  ['sgd + momentum 0.9', () => sgd({ learningRate: 1e-2, momentum: 0.9 }), () => tf.train.momentum(1e-2, 0.9)],
];
console.log(`@loom-ml/optimizers: optimizer step on an MLP 784-128-10 (${steps} steps x ${rounds} interleaved rounds, backend ${tf.getBackend()}); ${machineLine()}`);
for (const [name, loomTransform, tfjsOptimizer] of cases) {
  const loomVariables = makeVariables(`loom-${name}`);
  const loom = new Optimizer(loomTransform(), loomVariables);
  const tfjsVariables = makeVariables(`tfjs-${name}`);
  const reference = tfjsOptimizer();
  // tfjs keys gradients by variable name too.
  const rates = await interleavedRounds(
    { loom: () => time('loom', (grads) => loom.step(grads), loomVariables), tfjs: () => time('tfjs', (grads) => reference.applyGradients(grads), tfjsVariables) },
    { rounds },
  );
  console.log(
    `${name.padEnd(20)} loom ${median(rates.loom).toFixed(1).padStart(8)} steps/s   tf.train ${median(rates.tfjs).toFixed(1).padStart(8)} steps/s   ratio ${median(ratios(rates.loom, rates.tfjs)).toFixed(2)}x`,
  );
  loom.dispose();
  reference.dispose();
  tf.dispose([...loomVariables, ...tfjsVariables]);
}
