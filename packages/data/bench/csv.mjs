// Benchmark: streaming CSV rows/s on a ~100 MB generated file in the OS temp dir (deleted
// afterwards), with process RSS sampled while streaming to show memory stays bounded.
// Run after `pnpm build`. Prints results; asserts nothing.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { streamCsv } from '../dist/index.js';
import { machineLine } from '../../../tools/scripts/bench.mjs';

const targetBytes = Number(process.env.BENCH_CSV_MB ?? 100) * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'loom-data-bench-'));
const path = join(dir, 'bench.csv');
try {
  const out = createWriteStream(path);
  out.write('id,amount,grade,note,flag\n');
  let written = 0;
  let id = 0;
  while (written < targetBytes) {
    let chunk = '';
    for (let i = 0; i < 5000; i++, id++) {
      chunk += `${id},${(id * 7.31) % 10000},${'ABCDEFG'[id % 7]},"note, with comma ${id % 97}",${id % 2 === 0}\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const megabytes = statSync(path).size / 1024 / 1024;

  const rssSamples = [];
  const rssStart = process.memoryUsage().rss;
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 100);
  const start = performance.now();
  let rows = 0;
  let checksum = 0;
  const schema = { id: 'integer', amount: 'number', grade: 'category', note: 'string', flag: 'boolean' };
  for await (const row of streamCsv(createReadStream(path), { schema, source: 'bench.csv' })) {
    rows++;
    checksum += row.amount;
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);
  console.log(machineLine());
  console.log(`CSV: ${rows} rows, ${megabytes.toFixed(1)} MB in ${seconds.toFixed(2)} s -> ${(rows / seconds).toFixed(0)} rows/s, ${(megabytes / seconds).toFixed(1)} MB/s (checksum ${checksum.toFixed(0)})`);
  console.log(`RSS while streaming: start ${mb(rssStart)} MB, max ${mb(Math.max(...rssSamples, rssStart))} MB over ${rssSamples.length} samples (file is ${megabytes.toFixed(0)} MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
