// Benchmark: explaining 100 inputs in one call (batchSize 128: path points of many inputs per
// model call) vs 100 separate calls (one input each, its own points batched) vs unbatched
// (batchSize 1: one model call per path point or occluded image, as a step-by-step loop does),
// side by side in one run (interleaved rounds), on loom-wasm (1 thread): integrated gradients
// of a fraud-sized MLP (30-32-16-1, 50 steps) and of an MNIST-sized one (784-128-10, 32 steps),
// and occlusion of the MNIST one (4 x 4 patches). Times are the process's CPU seconds (the
// machine is shared, so wall time mostly measures waiting); the load average is printed.
//   pnpm --filter @loom-ml/explain bench        (BENCH_ROUNDS=N, default 3; after pnpm build)
import * as tf from '@tensorflow/tfjs-core';
import { dense, flatten, sequential } from '@loom-ml/layers';
import { initWasm } from '@loom-ml/wasm';
import { integratedGradients, occlusion } from '../dist/index.js';
import { interleavedRounds, loadAverage, machineLine, median } from '../../../tools/scripts/bench.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const count = 100;
await initWasm({ threads: 1 });
tf.env().set('IS_TEST', false);

const seed = (n) => ({ name: 'glorotUniform', seed: n });
const tabular = sequential([
  dense({ units: 32, activation: 'relu', inputShape: [30], kernelInitializer: seed(1) }),
  dense({ units: 16, activation: 'relu', kernelInitializer: seed(2) }),
  dense({ units: 1, activation: 'sigmoid', kernelInitializer: seed(3) }),
]);
const mnist = sequential([
  flatten({ inputShape: [28, 28, 1] }),
  dense({ units: 128, activation: 'relu', kernelInitializer: seed(4) }),
  dense({ units: 10, activation: 'softmax', kernelInitializer: seed(5) }),
]);
const rows = tf.randomNormal([count, 30], 0, 1, 'float32', 6);
const images = tf.randomUniform([count, 28, 28, 1], 0, 1, 'float32', 7);
const split = (x) => Array.from({ length: count }, (_, i) => tf.slice(x, i, 1));
const cases = [
  ['IG, MLP 30-32-16-1, 50 steps', rows, (x, batchSize) => integratedGradients(tabular, x, { steps: 50, batchSize })],
  ['IG, MLP 784-128-10, 32 steps', images, (x, batchSize) => integratedGradients(mnist, x, { steps: 32, batchSize })],
  ['occlusion, 784-128-10, 4 x 4', images, (x, batchSize) => occlusion(mnist, x, { patch: 4, batchSize })],
];

function seconds(run) {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

const before = loadAverage();
console.log(`@loom-ml/explain: ${count} inputs, backend ${tf.getBackend()} (1 thread), ${rounds} interleaved rounds, batchSize 128, CPU seconds, medians`);
for (const [name, all, explain] of cases) {
  const singles = split(all);
  explain(singles[0]); // warm-up
  explain(all);
  const times = await interleavedRounds(
    {
      batched: () => seconds(() => explain(all)),
      separate: () => seconds(() => singles.forEach((x) => explain(x))),
      unbatched: () => seconds(() => explain(all, 1)),
    },
    { rounds },
  );
  const b = median(times.batched);
  const s = median(times.separate);
  const u = median(times.unbatched);
  tf.dispose(singles);
  console.log(`${name.padEnd(30)} one call ${b.toFixed(2).padStart(5)} s   ${count} calls ${s.toFixed(2).padStart(5)} s (${(s / b).toFixed(1)}x)   unbatched ${u.toFixed(2).padStart(5)} s (${(u / b).toFixed(1)}x)`);
}
console.log(`load average before ${before}, after ${loadAverage()}; ${machineLine()}`);
tf.dispose([rows, images]);
tabular.dispose();
mnist.dispose();
