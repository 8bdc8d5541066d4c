// `pnpm abuse [--model runs/latest] [--duration 5]`: a short, bounded load and abuse run on
// loopback. Starts `serve.ts` on the saved model with its default limits in a child process and
// prints requests/s, p50/p99 latency and the server's peak RSS for five phases:
//   normal     4 clients, each on its own loopback address, alternately searching and asking for
//              recommendations, 2 requests/s each (a person on the page makes about 1 a second);
//   slowloris  the same clients while one address opens 2,000 connections that never finish
//              their headers, and then while 64 addresses open 32 each (2,048);
//   oversized  the same clients while 4 clients send the largest requests allowed (100 likes,
//              k 50, a 60 kB body) back to back, and 1 MB bodies;
//   normal again, to see the service recover.
// A GET / probe (10 per second, from its own address) shows what a load balancer would see.
// Clients use 127.0.0.x source addresses (Linux routes all of 127/8 to loopback); elsewhere they
// all share 127.0.0.1 and the per-client limits apply to all of them together. A script, not a
// test: the numbers depend on the machine.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { abuseCommand } from './cli-args.js';
import { CommandError, readCommandLine } from './command-line.js';

const { values: args } = await readCommandLine(abuseCommand);
const { loadBundle } = await import('./model-bundle.js');

/** True when this machine lets a socket use `address` as its source (Linux: all of 127/8). */
async function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, address, () => probe.close(() => resolve(true)));
  });
}
const manyAddresses = await canBind('127.0.0.2');
const address = (a: number, b: number) => (manyAddresses ? `127.0.${a}.${b}` : '127.0.0.1');

// The server, as `pnpm serve` runs it: default limits.
const script = fileURLToPath(new URL('./serve.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0', '--model', args.model], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = / on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
    if (match) resolve(Number(match[1]));
  });
  child.on('exit', (code) => reject(new CommandError(`serve.ts exited with code ${code} before listening (run \`pnpm start\` first to save a model).`)));
});
const stopServer = () => child.kill('SIGTERM');
process.on('exit', stopServer);

function rssMb(): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

const bundle = await loadBundle(args.model);
const rated = Array.from({ length: Math.min(bundle.items.size, 500) }, (_, k) => Number(bundle.items.idAt(k)));
const words = [...new Set(bundle.catalog.movies.slice(0, 300).flatMap((movie) => movie.title.toLowerCase().split(/\W+/)).filter((word) => word.length > 3))];
let pick = 0;
const normalRequest = (): [string, string, string | undefined] =>
  pick++ % 2 === 0
    ? ['GET', `/api/movies?q=${encodeURIComponent(words[pick % words.length]!)}&limit=10`, undefined]
    : ['POST', '/api/recommend', JSON.stringify({ likes: [rated[pick % rated.length], rated[(pick * 7) % rated.length], rated[(pick * 13) % rated.length]], k: 10 })];
const largest = JSON.stringify({ likes: rated.slice(0, 100), k: 50, note: 'n'.repeat(60_000) });
const tooLarge = JSON.stringify({ likes: [rated[0]], note: 'n'.repeat(1_000_000) });

interface Tally {
  latencies: number[];
  statuses: Map<string, number>;
}
const newTally = (): Tally => ({ latencies: [], statuses: new Map() });

/** One HTTP request on a keep-alive agent; its latency and status go into `tally`. */
function send(agent: Agent, method: string, path: string, body: string | undefined, tally: Tally): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const record = (status: string) => {
      tally.latencies.push(performance.now() - started);
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      resolve();
    };
    const req = request({ agent, host: '127.0.0.1', port, method, path, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => record(String(res.statusCode)));
      res.on('error', () => record('error'));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => record((error as NodeJS.ErrnoException).code ?? error.message));
    req.end(body);
  });
}

/** Sends requests back to back (at most one per `everyMs`) until `until`. */
async function loop(agent: Agent, until: number, next: () => [string, string, string | undefined], tally: Tally, everyMs = 0): Promise<void> {
  while (performance.now() < until) {
    const started = performance.now();
    await send(agent, ...next(), tally);
    const wait = everyMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Sends one request every `everyMs` until `until`, without waiting for the previous one. */
async function probe(agent: Agent, until: number, everyMs: number, path: string, tally: Tally): Promise<void> {
  const pending: Promise<void>[] = [];
  while (performance.now() < until) {
    pending.push(send(agent, 'GET', path, undefined, tally));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await Promise.all(pending);
}

/** Opens `count` connections from `from` that send half a request and then a header line every 2 s, never finishing. */
function slowloris(from: string[], count: number, until: number): { held: () => number; opened: () => number; stop: () => void } {
  const sockets = new Set<Socket>();
  let opened = 0;
  let stopped = false;
  const open = (k: number) => {
    if (stopped || performance.now() > until) return;
    const socket = connect({ port, host: '127.0.0.1', localAddress: from[k % from.length] });
    opened++;
    socket.on('connect', () => {
      sockets.add(socket);
      socket.write('POST /api/recommend HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n');
    });
    socket.on('error', () => undefined);
    // Reads (and drops) what the server sends, so a connection the server closes is seen closed at once.
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  };
  for (let k = 0; k < count; k++) setTimeout(() => open(k), Math.floor(k / 20) * 10); // 20 every 10 ms
  const trickle = setInterval(() => {
    for (const socket of sockets) socket.write('x-a: b\r\n');
  }, 2000);
  return {
    held: () => sockets.size,
    opened: () => opened,
    stop: () => {
      stopped = true;
      clearInterval(trickle);
      for (const socket of sockets) socket.destroy();
    },
  };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const statusText = (tally: Tally) => [...tally.statuses].map(([s, n]) => `${s} x${n}`).join(', ');

interface PhaseResult {
  name: string;
  clients: Tally;
  health: Tally;
  seconds: number;
  peakRss: number;
  note: string;
}

async function phase(name: string, seconds: number, attack: (until: number) => { done: Promise<void>; note: () => string }): Promise<PhaseResult> {
  const started = performance.now();
  const until = started + seconds * 1000;
  let peakRss = rssMb();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 50);
  const clients = newTally();
  const health = newTally();
  const agents = Array.from({ length: 4 }, (_, k) => new Agent({ keepAlive: true, maxSockets: 1, localAddress: address(0, 11 + k) }));
  const healthAgent = new Agent({ keepAlive: true, localAddress: address(0, 50) });
  const attacking = attack(until);
  await Promise.all([
    ...agents.map((agent) => loop(agent, until, normalRequest, clients, 500)),
    probe(healthAgent, until, 100, '/', health),
    attacking.done,
  ]);
  clearInterval(sampler);
  for (const agent of [...agents, healthAgent]) agent.destroy();
  return { name, clients, health, seconds: (performance.now() - started) / 1000, peakRss: Math.max(peakRss, rssMb()), note: attacking.note() };
}

const idle = (until: number) => ({ done: new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, until - performance.now()))), note: () => '' });

function slowlorisAttack(from: string[], count: number) {
  return (until: number) => {
    const attack = slowloris(from, count, until);
    let heldAtThreeSeconds = 0;
    setTimeout(() => (heldAtThreeSeconds = attack.held()), 3000);
    const done = new Promise<void>((resolve) =>
      setTimeout(
        () => {
          const heldAtEnd = attack.held();
          attack.stop();
          note = `${attack.opened()} attacker connections opened from ${new Set(from).size} address(es); ${heldAtThreeSeconds} held open after 3 s, ${heldAtEnd} at the end (the rest closed on arrival or by the 10 s header timeout)`;
          resolve();
        },
        Math.max(0, until - performance.now()),
      ),
    );
    let note = '';
    return { done, note: () => note };
  };
}

function oversizedAttack(until: number) {
  const tally = newTally();
  const agents = Array.from({ length: 4 }, (_, k) => new Agent({ keepAlive: true, maxSockets: 1, localAddress: address(0, 3 + k) }));
  let k = 0;
  const next = (): [string, string, string | undefined] => ['POST', '/api/recommend', k++ % 4 === 3 ? tooLarge : largest];
  const done = Promise.all(agents.map((agent) => loop(agent, until, next, tally))).then(() => agents.forEach((agent) => agent.destroy()));
  return { done, note: () => `4 oversized clients: ${tally.latencies.length} requests (${statusText(tally)}), p50 ${quantile(tally.latencies, 0.5).toFixed(1)} ms` };
}

const results: PhaseResult[] = [];
console.log(`abuse run on http://127.0.0.1:${port}/ (default limits; model ${args.model}; ${manyAddresses ? 'clients on 127.0.0.x addresses' : 'all clients on 127.0.0.1'}); ${new Date().toISOString()}`);
await phase('warm-up (not reported)', 5, idle); // lets V8 optimise the request path first
results.push(await phase('normal', args.duration, idle));
results.push(await phase('slowloris, 1 address x 2000', Math.max(args.duration, 12), slowlorisAttack([address(0, 2)], 2000)));
results.push(await phase('slowloris, 64 addresses x 32', Math.max(args.duration, 12), slowlorisAttack(Array.from({ length: 64 }, (_, k) => address(1, k + 1)), 2048)));
results.push(await phase('oversized requests x 4 clients', args.duration, oversizedAttack));
results.push(await phase('normal again', args.duration, idle));
stopServer();

console.log('');
console.log('phase                           client req/s  p50 ms  p99 ms   GET / p50    GET / p99  server peak RSS');
for (const r of results) {
  const line = [
    r.name.padEnd(30),
    (r.clients.latencies.length / r.seconds).toFixed(0).padStart(13),
    quantile(r.clients.latencies, 0.5).toFixed(1).padStart(7),
    quantile(r.clients.latencies, 0.99).toFixed(1).padStart(7),
    `${quantile(r.health.latencies, 0.5).toFixed(1)} ms`.padStart(12),
    `${quantile(r.health.latencies, 0.99).toFixed(1)} ms`.padStart(12),
    `${r.peakRss.toFixed(0)} MB`.padStart(16),
  ];
  console.log(line.join(' '));
}
console.log('');
for (const r of results) {
  console.log(`${r.name}: clients ${statusText(r.clients)}; GET / ${statusText(r.health)}${r.note ? `; ${r.note}` : ''}`);
}
