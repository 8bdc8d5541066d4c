// `pnpm loadtest [--concurrency 16] [--duration 5] [--batch 1] [--model runs/latest] [--url http://127.0.0.1:3000]`
// (`--help` says more). Fires POST /score requests from `concurrency` parallel loops for `duration` seconds on loopback
// and prints requests/s, transactions/s and p50/p90/p99 latency. Without --url it starts
// `serve.ts --port 0` on the saved bundle in a child process (so client and server do not share
// one event loop) and stops it at the end. A script, not a test: numbers depend on the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadtestCommand } from './cli-options.js';
import { CommandError, readCommandLine } from './command-line.js';

const { values: args } = await readCommandLine(loadtestCommand);
const { concurrency, duration, batch } = args;
const { loadLoans } = await import('./lending-club.js');

async function startServer(): Promise<{ base: string; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./serve.ts', import.meta.url));
  // --rate-limit 0: this measures the service's capacity, which one client's rate limit would hide (`pnpm abuse` runs with the default limits).
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0', '--model', args.model, '--rate-limit', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new CommandError(`serve.ts exited with code ${code} before listening (run \`pnpm start --no-serve\` first to save a model).`)));
  });
  return { base, child };
}

const { rows } = await loadLoans();
const server = args.url === undefined ? await startServer() : { base: args.url.replace(/\/$/, ''), child: undefined };
const bodies = Array.from({ length: 200 }, (_, k) => {
  const slice = Array.from({ length: batch }, (_, j) => ({ id: k * batch + j, ...rows[(k * batch + j) % rows.length]! }));
  return JSON.stringify(batch === 1 ? slice[0] : { transactions: slice });
});

const latencies: number[] = [];
const statuses = new Map<string, number>();
const stopAt = performance.now() + duration * 1000;
let sent = 0;
async function loop(): Promise<void> {
  while (performance.now() < stopAt) {
    const body = bodies[sent++ % bodies.length]!;
    const start = performance.now();
    let status: string;
    try {
      const response = await fetch(`${server.base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
      status = String(response.status);
    } catch (error) {
      status = `error: ${(error as Error).message}`;
    }
    latencies.push(performance.now() - start);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, loop));
const seconds = (performance.now() - started) / 1000;
server.child?.kill('SIGTERM');

latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
console.log(`POST /score on ${server.base}: ${concurrency} concurrent loops for ${seconds.toFixed(1)} s, ${batch} transaction(s) per request.`);
console.log(`  ${latencies.length} requests, ${(latencies.length / seconds).toFixed(0)} requests/s, ${((latencies.length * batch) / seconds).toFixed(0)} transactions/s`);
console.log(`  latency ms: p50 ${quantile(0.5).toFixed(2)}, p90 ${quantile(0.9).toFixed(2)}, p99 ${quantile(0.99).toFixed(2)}, max ${latencies[latencies.length - 1]!.toFixed(2)}`);
console.log(`  statuses: ${[...statuses].map(([s, n]) => `${s} x${n}`).join(', ')}`);
if ([...statuses.keys()].some((s) => s !== '200')) process.exitCode = 1;
