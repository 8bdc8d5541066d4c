// Seeded, time-bounded HTTP fuzzing of the real service process (`serve.ts`): random methods,
// request targets, headers and bodies, including the cases of issue 18. The process must never
// crash or hang, every answer must be a valid status line with a status below 500 (4xx for
// garbage), and its peak RSS must stay under RSS_BOUND_MB. The service runs with its default
// limits except the rate limit (off, so the fuzzing reaches the routes instead of collecting
// 429s from one client address; server.test.ts tests the limiter).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { closingRequest, rawRequest } from '../test/raw-http.js';
import { startService, type ServiceProcess } from '../test/service-process.js';
import { saveBundle } from './model-bundle.js';
import { seededRandom } from '@loom-ml/core';

/** The peak RSS the service may reach under everything below (it idles near 120 MB with the MovieLens model, less with the fixture). */
const RSS_BOUND_MB = 200;
/** Fuzz cases sent, unless the time budget runs out first. */
const CASES = 1500;
const BUDGET_MS = 6000;

const directory = await mkdtemp(join(tmpdir(), 'movie-recs-fuzz-'));
let service: ServiceProcess;
beforeAll(async () => {
  await saveBundle(directory, await fixtureBundle());
  service = await startService(['--model', directory, '--rate-limit', '0']);
});
afterAll(async () => {
  await service?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** @loom-ml/core's seeded generator (mulberry32), so every run sends the same requests. */
function generator(seed: number) {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

interface FuzzCase {
  request: Buffer;
  /** A request the service must serve: 200 expected. */
  valid: boolean;
  /** Random, but it may happen to be a valid request: any answer below 500 is right. Otherwise a 4xx (or none) is expected. */
  mayBeValid: boolean;
  /** The bytes end before the request does (a body shorter than its Content-Length): no answer is fine. */
  incomplete: boolean;
}

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'FOO', 'get', 'G\tET', '', 'POST /'];
const PATHS = ['/', '//', '///', '//[', '//:99999', '/api/movies?q=alien', '/api/movies?q=', '/api/movies?q=a&limit=0x10', '/api/movies?q=%zz', `/api/movies?q=${'t'.repeat(5000)}`, '/api/movies?q=a&q=b&limit=50', '/api/recommend', '/nope', '/%', '/%00', '/..', '/../../etc/passwd', '*', 'http://localhost/api/movies?q=x', 'http://[/', '/api/movies#x', '/\u00e9', 'api', '/ /'];
const HOSTS = ['localhost', '127.0.0.1:3000', '[::1]', 'evil.example', '', 'localhost:99999', 'a'.repeat(300), '[::1', 'localhost, evil.example', undefined];
const TYPES = ['application/json', 'application/json; charset=utf-8', 'application/jsonfoo', 'text/plain', 'application/json; charset=latin1', '', undefined];
const LIKES = [[5, 6], [], [4242], [13], [1e308], [-1], ['Alien'], [null], Array(200).fill(5), 5, null, { 0: 5 }, [[[[5]]]], [5.5], [2 ** 53]];

function body(random: ReturnType<typeof generator>): string | Buffer {
  switch (Math.floor(random.next() * 8)) {
    case 0:
      return JSON.stringify({ likes: [5, 6], k: 3 });
    case 1:
      return JSON.stringify({ likes: random.pick(LIKES), k: random.pick([1, 10, 0, 51, -1, 1.5, '10', null, 1e308]) });
    case 2:
      return random.pick(['[', '{']).repeat(1 + Math.floor(random.next() * 20_000));
    case 3:
      return Buffer.from(Array.from({ length: Math.floor(random.next() * 300) }, () => Math.floor(random.next() * 256)));
    case 4:
      return Array.from({ length: 1 + Math.floor(random.next() * 20) }, () => random.pick(['{', '}', '[', ']', '"likes"', ':', ',', 'null', '1e999', '"k"', '"\\u0000"', '5'])).join('');
    case 5:
      return JSON.stringify({ likes: [5], padding: 'p'.repeat(50_000 + Math.floor(random.next() * 100_000)) });
    case 6:
      return '{"likes":'.repeat(3000) + '1' + '}'.repeat(3000);
    default:
      return '';
  }
}

function fuzzCase(random: ReturnType<typeof generator>): FuzzCase {
  if (random.chance(0.1)) {
    const request = random.chance(0.5)
      ? closingRequest('GET', random.pick(['/', '/api/movies?q=alien', '/api/movies?q=toy%20story&limit=3']), { host: 'localhost' })
      : closingRequest('POST', '/api/recommend', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ likes: [5, 6], k: 2 }) });
    return { request: Buffer.from(request, 'latin1'), valid: true, mayBeValid: true, incomplete: false };
  }
  if (random.chance(0.05)) {
    return { request: Buffer.from(Array.from({ length: 1 + Math.floor(random.next() * 200) }, () => Math.floor(random.next() * 256))), valid: false, mayBeValid: false, incomplete: true };
  }
  const method = random.pick(METHODS);
  let path = random.pick(PATHS);
  if (random.chance(0.05)) path = `/${'a'.repeat(20_000)}`;
  const version = random.chance(0.9) ? 'HTTP/1.1' : random.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', '', 'HTTP/1.1 extra']);
  const lines = [`${method} ${path} ${version}`.trim()];
  const host = random.pick(HOSTS);
  if (host !== undefined) lines.push(`host: ${host}`);
  const type = random.pick(TYPES);
  if (type !== undefined) lines.push(`content-type: ${type}`);
  lines.push('connection: close');
  if (random.chance(0.2)) lines.push(`authorization: ${random.pick(['Bearer ', 'Bearer x', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'k'.repeat(5000)])}`);
  if (random.chance(0.1)) lines.push(`x-junk: ${'j'.repeat(Math.floor(random.next() * 40_000))}`);
  if (random.chance(0.05)) lines.push('bad header line');
  const payload = Buffer.from(body(random) as string);
  const mayBeValid =
    ['GET', 'HEAD', 'POST'].includes(method) &&
    (path === '/' || path.startsWith('/api/') || path.startsWith('http://localhost/')) &&
    ['localhost', '127.0.0.1:3000', '[::1]'].includes(host ?? '');
  if (random.chance(0.15)) {
    lines.push('transfer-encoding: chunked');
    const chunked = random.chance(0.7) ? Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload, Buffer.from('\r\n0\r\n\r\n')]) : Buffer.from('zz\r\nnot a chunk\r\n');
    return { request: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), chunked]), valid: false, mayBeValid, incomplete: true };
  }
  const length = random.pick(['exact', 'exact', 'exact', 'more', 'less', 'junk', 'none', 'twice']);
  if (length === 'exact') lines.push(`content-length: ${payload.length}`);
  if (length === 'more') lines.push(`content-length: ${payload.length + 10}`);
  if (length === 'less') lines.push(`content-length: ${Math.max(0, payload.length - 3)}`);
  if (length === 'junk') lines.push(`content-length: ${random.pick(['-1', 'abc', '1e3', '99999999999999999999', ''])}`);
  if (length === 'twice') lines.push(`content-length: ${payload.length}`, `content-length: ${payload.length + 1}`);
  return { request: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]), valid: false, mayBeValid, incomplete: length === 'more' || length === 'none' };
}

describe('HTTP fuzzing of the service process', () => {
  it(`survives ${CASES} seeded random requests with a valid 2xx/4xx answer to each, peak RSS under ${RSS_BOUND_MB} MB`, { timeout: 60_000 }, async () => {
    const random = generator(18);
    const cases = Array.from({ length: CASES }, () => fuzzCase(random));
    const deadline = performance.now() + BUDGET_MS;
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < cases.length && performance.now() < deadline) {
        const fuzz = cases[sent++]!;
        const answer = await rawRequest(service.port, fuzz.request, { timeoutMs: 3000 });
        const key = answer.status === null ? (answer.closed ? 'closed' : 'no answer') : String(answer.status);
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const head = fuzz.request.subarray(0, 60).toString('latin1');
        if (answer.status !== null && (answer.status < 200 || answer.status >= 500)) failures.push(`${answer.status} for ${JSON.stringify(head)}`);
        else if (fuzz.valid && answer.status !== 200) failures.push(`${key} for the valid ${JSON.stringify(head)}`);
        else if (!fuzz.mayBeValid && answer.status !== null && answer.status < 400) failures.push(`${answer.status} for ${JSON.stringify(head)}`);
        else if (!fuzz.incomplete && answer.status === null) failures.push(`${key} without an answer for ${JSON.stringify(head)}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    console.log(`fuzz: ${sent} requests, answers ${JSON.stringify(Object.fromEntries(statuses))}, peak RSS ${service.peakRssMb().toFixed(0)} MB`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(100);
    expect(service.child.exitCode).toBeNull();
    expect((await rawRequest(service.port, closingRequest('GET', '/'))).status).toBe(200);
    expect(service.stderr()).toBe(''); // no internal error was logged
    expect(service.peakRssMb()).toBeLessThan(RSS_BOUND_MB);
  });

  // Issue 18, item 1: `GET //` made new URL() throw (the fraud service died of it; this one answered 500).
  it(`answers GET // with 404 and 300 oversized requests with 4xx, peak RSS under ${RSS_BOUND_MB} MB`, { timeout: 60_000 }, async () => {
    for (const path of ['//', '///', '//[', '//:99999']) expect((await rawRequest(service.port, closingRequest('GET', path))).status).toBe(404);
    const requests = [
      closingRequest('POST', '/api/recommend', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ likes: [5], padding: 'F'.repeat(1_000_000) }) }),
      closingRequest('GET', `/api/movies?q=${'q'.repeat(20_000)}`),
      closingRequest('POST', '/api/recommend', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ likes: Array(10_000).fill(5) }) }),
    ];
    const statuses = new Set<number | null>();
    for (let round = 0; round < 75; round++) {
      const answers = await Promise.all(Array.from({ length: 4 }, (_, k) => rawRequest(service.port, requests[(round + k) % requests.length]!, { timeoutMs: 10_000 })));
      for (const answer of answers) statuses.add(answer.status);
    }
    expect([...statuses].sort()).toEqual([400, 413, 431]);
    expect(service.child.exitCode).toBeNull();
    console.log(`oversized requests: peak RSS ${service.peakRssMb().toFixed(0)} MB`);
    expect(service.peakRssMb()).toBeLessThan(RSS_BOUND_MB);
  });
});
