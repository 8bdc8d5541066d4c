// Benchmark (issue 19): training samples/s of sequence models and of the MLP/CNN step, side by
// side in one run, in interleaved rounds (every contender timed back to back each round, the
// order rotating), on one machine:
//   - Loom fused:      @loom-ml/layers + @loom-ml/train `fit` on loom-wasm, fused kernels on
//   - Loom composite:  the same model and data with useFusedKernels(false) (per-step tfjs ops)
//   - tfjs-layers on loom-wasm, and tfjs-layers on stock tfjs-backend-wasm (same shapes; no
//     Transformer in tfjs-layers; stock wasm cannot train an Embedding: no UnsortedSegmentSum)
//   - PyTorch CPU (bench/torch_reference.py, run as a child process in each round, same shapes,
//     torch.set_num_threads(BENCH_THREADS)) when a Python with torch is found: BENCH_TORCH names
//     it (default /usr/bin/python3, Debian's python3-torch); BENCH_TORCH=off leaves it out. Its
//     process start and import are outside the timed window (the script times itself).
// (tfjs-layers' GRU has no reset_after, so it runs the reset-before variant, same cost; its
// recurrent layers use glorotUniform recurrent weights: its orthogonal initializer
// needs tfjs-core's chained ops, which this bench does not load.)
// Adam 1e-3, batch 128, random data (throughput does not depend on the values). Prints the load
// average before and after, the median per-round ratios (with their range over rounds) and each
// of the issue's targets as met or missed. Also the MLP step's GFLOP/s against loom-wasm's matMul
// peak (1024 x 1024, fresh B) measured in the run, and PyTorch's matMul on the same shapes.
//   pnpm --filter @loom-ml/train bench
//   BENCH_ROUNDS (default 2), BENCH_THREADS (default 2), BENCH_MODELS=lstm,gru,transformer,mlp,cnn
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { useFusedKernels } from '@loom-ml/layers';
import { initWasm, LOOM_WASM_BACKEND } from '@loom-ml/wasm';
import { fit } from '../dist/index.js';
import { interleavedRounds, loadAverage, median } from '../../../tools/scripts/bench.mjs';
import { batchSize, models } from './models.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const selected = (process.env.BENCH_MODELS ?? 'lstm,gru,transformer,mlp,cnn').split(',');
tf.env().set('IS_TEST', false);
const load = loadAverage;

// Every contender trains one untimed epoch on the same data first, then one timed epoch: steady
// state, after V8 and WebAssembly tier-up (a first epoch of the MLP ran at about 60% of the next
// ones on Loom, about 90% on stock wasm).
/** Trains one epoch of warm-up then times `samples` samples; returns samples/s or the reason it cannot run. */
async function loomRate(spec, fused, samples) {
  await tf.setBackend(LOOM_WASM_BACKEND);
  useFusedKernels(fused);
  const data = spec.data(samples);
  const model = spec.loom();
  try {
    await fit(model, data, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
    const start = performance.now();
    await fit(model, data, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
    return samples / ((performance.now() - start) / 1000);
  } finally {
    useFusedKernels(true);
    model.dispose();
    tf.dispose(data);
  }
}

async function tfjsRate(spec, backend, samples) {
  if (spec.tfjs === null) return 'no such layer in tfjs-layers';
  await tf.setBackend(backend);
  const data = spec.data(samples);
  let model;
  try {
    model = spec.tfjs();
    model.compile({ optimizer: tf.train.adam(1e-3), loss: spec.tfjsLoss });
    await model.fit(data.x, data.y, { batchSize, epochs: 1, verbose: 0, shuffle: false });
    const start = performance.now();
    await model.fit(data.x, data.y, { batchSize, epochs: 1, verbose: 0, shuffle: false });
    return samples / ((performance.now() - start) / 1000);
  } catch (error) {
    return `cannot: ${String(error.message ?? error).split('\n')[0].slice(0, 60)}`;
  } finally {
    model?.dispose();
    tf.dispose(data);
  }
}

function matMulPeak() {
  return tf.tidy(() => {
    const a = tf.randomNormal([1024, 1024]);
    let best = 0;
    for (let i = 0; i < 4; i++) {
      const b = tf.randomNormal([1024, 1024], 0, 1, 'float32', i);
      const start = performance.now();
      tf.matMul(a, b).dataSync();
      const seconds = (performance.now() - start) / 1000;
      if (i > 0) best = Math.max(best, (2 * 1024 ** 3) / seconds / 1e9);
    }
    return best;
  });
}

/** PyTorch's samples/s (or GFLOP/s for 'matmul') from one round of torch_reference.py, or why not. */
function torchRate(key, samples) {
  const args = [torchScript, '--models', key, '--rounds', '1', '--threads', String(threads), '--json'];
  if (samples) args.push('--samples', String(samples));
  const run = spawnSync(torchPython, args, { encoding: 'utf8' });
  if (run.status !== 0) return `cannot: ${String(run.stderr || run.error).trim().split('\n').pop().slice(0, 60)}`;
  return JSON.parse(run.stdout.trim().split('\n').pop()).value;
}

const torchScript = fileURLToPath(new URL('./torch_reference.py', import.meta.url));
const torchPython = process.env.BENCH_TORCH ?? '/usr/bin/python3';
const torchWanted = torchPython !== 'off' && torchPython !== '0';
const torchFound = torchWanted && spawnSync(torchPython, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

const handle = await initWasm({ threads, onNotice: () => {} });
console.log(`Sequence bench: batch ${batchSize}, Adam 1e-3, ${rounds} interleaved rounds; Node ${process.version}, ${os.cpus().length} cores, loom-wasm ${handle.threads} threads, stock wasm default`);
if (torchFound) console.log(`PyTorch CPU: ${torchPython} ${torchScript} in every round, ${threads} threads`);
else console.log(`PyTorch CPU: left out (${torchWanted ? `${torchPython} cannot import torch` : 'BENCH_TORCH=off'}); BENCH_TORCH=/path/to/python3 adds it, or run it by hand in the same window: /usr/bin/python3 ${torchScript}`);
const startedAt = new Date();
const loadBefore = load();
console.log(`load average before: ${loadBefore}  (${startedAt.toISOString()})`);
const contenders = [
  { name: 'Loom fused', run: (spec) => loomRate(spec, true, spec.samples.fused) },
  { name: 'Loom composite', run: (spec) => loomRate(spec, false, spec.samples.slow) },
  { name: 'tfjs-layers, loom-wasm', run: (spec) => tfjsRate(spec, LOOM_WASM_BACKEND, spec.samples.slow) },
  { name: 'tfjs-layers, stock wasm', run: (spec) => tfjsRate(spec, 'wasm', spec.samples.slow) },
  ...(torchFound ? [{ name: 'PyTorch CPU', run: (spec, key) => torchRate(key, spec.samples.fused) }] : []),
];
const numeric = (list) => list.length > 0 && list.every((v) => typeof v === 'number');
/** Median of the per-round ratios a[i] / b[i] and their range, or undefined when either cannot run. */
function ratio(a, b) {
  if (!numeric(a) || !numeric(b)) return undefined;
  const perRound = a.map((v, i) => v / b[i]);
  return { median: median(perRound), low: Math.min(...perRound), high: Math.max(...perRound) };
}
const showRatio = (r) => (r === undefined ? undefined : `${r.median.toFixed(2)}x (${r.low.toFixed(2)}-${r.high.toFixed(2)})`);
const table = [];
const targets = [];
const target = (what, measured, goal, show) => targets.push({ target: what, measured: measured === undefined ? 'not measured' : show(measured), goal, result: measured === undefined ? 'not measured' : measured.median >= goal.value ? 'met' : 'missed' });
const peaks = { loom: [], torch: [] };
for (const key of selected) {
  const spec = models[key];
  const runs = Object.fromEntries(contenders.map((c) => [c.name, () => c.run(spec, key)]));
  // For the MLP, the matMul peaks (loom-wasm's, and PyTorch's when found) are measured in the same rounds.
  if (key === 'mlp') {
    runs['matMul peak'] = async () => (await tf.setBackend(LOOM_WASM_BACKEND), matMulPeak());
    if (torchFound) runs['PyTorch matMul peak'] = () => torchRate('matmul');
  }
  const timed = await interleavedRounds(runs, { rounds });
  const results = contenders.map((c) => timed[c.name]);
  if (key === 'mlp') {
    peaks.loom.push(...timed['matMul peak']);
    if (torchFound) peaks.torch.push(...timed['PyTorch matMul peak']);
  }
  const row = { model: spec.label };
  contenders.forEach((c, i) => {
    row[c.name] = numeric(results[i]) ? Math.round(median(results[i])) : results[i].find((v) => typeof v === 'string');
  });
  const [fused, composite, , stock, torch = []] = results;
  const vsComposite = ratio(fused, composite);
  const vsStock = ratio(fused, stock);
  const vsTorch = ratio(fused, torch);
  if (vsComposite) row['fused / composite'] = showRatio(vsComposite);
  if (vsStock) row['fused / tfjs stock wasm'] = showRatio(vsStock);
  if (vsTorch) row['fused / PyTorch'] = showRatio(vsTorch);
  const ge = (value) => ({ value, text: `>= ${value}x` });
  if (key === 'lstm' || key === 'gru') {
    target(`${key.toUpperCase()} fused / PyTorch`, vsTorch, ge(1.5), showRatio);
    target(`${key.toUpperCase()} fused / composite`, vsComposite, ge(6), showRatio);
  }
  if (key === 'transformer') target('Transformer fused / PyTorch', vsTorch, ge(1.5), showRatio);
  if (key === 'mlp' || key === 'cnn') target(`${key.toUpperCase()} fused / PyTorch`, vsTorch, ge(0.6), showRatio);
  if (key === 'mlp') {
    target('MLP fused / tfjs-layers on stock wasm', vsStock, ge(4), showRatio);
    if (numeric(fused)) {
      // Forward 2·B·(784·128 + 128·10) FLOPs per batch; backward adds the weight gradients and the
      // hidden layer's input gradient: 3x the forward, less the unused input gradient of layer 1.
      const flopsPerSample = 2 * (784 * 128 + 128 * 10) * 3 - 2 * 784 * 128;
      const gflops = (median(fused) * flopsPerSample) / 1e9;
      const peak = Math.max(...peaks.loom);
      row['GFLOP/s (peak)'] = `${gflops.toFixed(1)} (${peak.toFixed(1)}: ${((100 * gflops) / peak).toFixed(0)}%)`;
      // Per round: that round's MLP rate against the best peak of the run (the peak is a best-of).
      const shares = fused.map((v) => (v * flopsPerSample) / 1e9 / peak);
      target('MLP step GFLOP/s / loom-wasm matMul peak', { median: median(shares), low: Math.min(...shares), high: Math.max(...shares) }, { value: 0.5, text: '>= 50%' }, (r) => `${(100 * r.median).toFixed(0)}% (${(100 * r.low).toFixed(0)}-${(100 * r.high).toFixed(0)}%)`);
    }
  }
  table.push(row);
  console.log(JSON.stringify({ ...row, 'load average': load(), at: new Date().toISOString() }));
}
console.table(table);
if (peaks.loom.length > 0) {
  const torchPeak = numeric(peaks.torch) ? `, PyTorch ${Math.max(...peaks.torch).toFixed(1)} GFLOP/s (best of the rounds' best-of-3)` : '';
  console.log(`matMul 1024 x 1024: loom-wasm ${Math.max(...peaks.loom).toFixed(1)} GFLOP/s${torchPeak}`);
}
console.table(targets.map(({ target: t, measured, goal, result }) => ({ target: t, measured, goal: goal.text, result })));
console.log(`window ${startedAt.toISOString()} to ${new Date().toISOString()}; load average before: ${loadBefore}, after: ${load()}`);
await handle.dispose();
