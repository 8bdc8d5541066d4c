// Seeded, time-bounded HTTP fuzzing of the real service process (`serve.ts`, default limits but
// the rate limit, which would answer most of this with 429): random methods, request targets,
// headers and bodies, as apps/fraud-service does it. The process must never crash or hang, every
// answer must be a valid status line with a status below 500 (4xx for garbage), and its peak RSS
// must stay under RSS_BOUND_MB.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { closingRequest, rawRequest } from '../test/raw-http.js';
import { startService, type ServiceProcess } from '../test/service-process.js';
import { saveBundle } from './bundle-files.js';
import { seededRandom } from '@loom-ml/core';

/** The peak RSS the service may reach under everything below (207 MB measured with the test bundle). */
const RSS_BOUND_MB = 300;
/** Fuzz cases sent, unless the time budget runs out first. */
const CASES = 1500;
const BUDGET_MS = 6000;

const fixture = await fixtureBundle();
const directory = await mkdtemp(join(tmpdir(), 'support-fuzz-'));
let service: ServiceProcess;
beforeAll(async () => {
  await saveBundle(join(directory, 'model'), fixture.bundle, fixture.modelBytes, fixture.cnnBytes);
  service = await startService(['--model', join(directory, 'model'), '--feedback', join(directory, 'feedback.jsonl'), '--rate-limit', '0']);
}, 120_000);
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
  /** A request the service must answer or serve: 200 expected. */
  valid: boolean;
  /** Random, but it may happen to be a valid request: any answer below 500 is right. Otherwise a 4xx (or none) is expected. */
  mayBeValid: boolean;
  /** The bytes end before the request does (a body shorter than its Content-Length): no answer is fine. */
  incomplete: boolean;
}

const query = { text: fixture.test.texts[0]! };
const correction = { text: 'my card is not here', intent: 'card_arrival' };
const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'FOO', 'get', 'G\tET', '', 'POST /reply'];
const PATHS = ['/', '//', '///', '//[', '//:99999', '/reply', '/feedback', '/health', '/metrics', '/model/bundle.json', '/assets/x.js', '/assets/../../etc/passwd', '/nope', '/%', '/%00', '/..', '/../../etc/passwd', '*', 'http://localhost/reply', 'http://[/', '/reply?a=%zz&b', '/reply#x', '/health?', '/\u00e9', 'reply', '/ /', '/reply\u0000'];
const HOSTS = ['localhost', '127.0.0.1:3000', '[::1]', 'evil.example', '', 'localhost:99999', 'a'.repeat(300), '[::1', 'localhost, evil.example', undefined];
const TYPES = ['application/json', 'application/json; charset=utf-8', 'application/jsonfoo', 'text/plain', 'application/json; charset=latin1', '', 'application/x-www-form-urlencoded', undefined];
const VALUES = [1e308, -1e308, 0, -0, 1e-320, null, true, '', 'x', 'A'.repeat(5000), [], {}, [[[[1]]]], 'constructor', '__proto__', '\ud800', '<script>'];

function body(random: ReturnType<typeof generator>): string | Buffer {
  switch (Math.floor(random.next() * 9)) {
    case 0:
      return JSON.stringify(random.chance(0.7) ? query : correction);
    case 1: {
      const mutated: Record<string, unknown> = { ...(random.chance(0.5) ? query : correction) };
      for (let k = 0; k < 1 + Math.floor(random.next() * 3); k++) mutated[random.pick(['text', 'intent', 'predicted', 'source', 'extra'])] = random.pick(VALUES);
      return JSON.stringify(mutated);
    }
    case 2:
      return random.pick(['[', '{']).repeat(1 + Math.floor(random.next() * 20_000));
    case 3:
      return Buffer.from(Array.from({ length: Math.floor(random.next() * 300) }, () => Math.floor(random.next() * 256)));
    case 4:
      return Array.from({ length: 1 + Math.floor(random.next() * 20) }, () => random.pick(['{', '}', '[', ']', '"text"', ':', ',', 'null', '1e999', '"intent"', '"\\u0000"', 'NaN'])).join('');
    case 5:
      return JSON.stringify({ text: 'é'.repeat(random.pick([999, 1000, 1001, 5000])) });
    case 6:
      return JSON.stringify({ text: 'Q'.repeat(100_000 + Math.floor(random.next() * 200_000)) });
    case 7:
      return '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    default:
      return '';
  }
}

function fuzzCase(random: ReturnType<typeof generator>): FuzzCase {
  if (random.chance(0.1)) {
    // Valid requests, so the fuzzing also runs while the service works.
    const get = random.chance(0.5);
    const request = get ? closingRequest('GET', random.pick(['/health', '/metrics', '/model/bundle.json']), { host: 'localhost' }) : closingRequest('POST', '/reply', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) });
    return { request: Buffer.from(request, 'latin1'), valid: true, mayBeValid: true, incomplete: false };
  }
  if (random.chance(0.05)) {
    // Bytes that are not HTTP at all.
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
  if (random.chance(0.05)) lines.push('upgrade: websocket', 'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==');
  const payload = Buffer.from(body(random) as string);
  const mayBeValid = ['GET', 'HEAD', 'POST'].includes(method) && ['/', '/reply', '/feedback', '/health', '/metrics', '/model/bundle.json', 'http://localhost/reply', '/health?'].includes(path) && ['localhost', '127.0.0.1:3000', '[::1]'].includes(host ?? '');
  let incomplete = false;
  if (random.chance(0.15)) {
    lines.push('transfer-encoding: chunked');
    const chunked = random.chance(0.7) ? Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload, Buffer.from('\r\n0\r\n\r\n')]) : Buffer.from('zz\r\nnot a chunk\r\n');
    return { request: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), chunked]), valid: false, mayBeValid, incomplete: true };
  }
  const length = random.pick(['exact', 'exact', 'exact', 'more', 'less', 'junk', 'none', 'twice']);
  if (length === 'exact') lines.push(`content-length: ${payload.length}`);
  if (length === 'more') (lines.push(`content-length: ${payload.length + 10}`), (incomplete = true));
  if (length === 'less') lines.push(`content-length: ${Math.max(0, payload.length - 3)}`);
  if (length === 'junk') lines.push(`content-length: ${random.pick(['-1', 'abc', '1e3', '99999999999999999999', ''])}`);
  if (length === 'twice') lines.push(`content-length: ${payload.length}`, `content-length: ${payload.length + 1}`);
  // The request line or headers may be broken in ways the parser only notices later: no answer is then fine too.
  return { request: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]), valid: false, mayBeValid, incomplete: incomplete || length === 'none' };
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
    expect((await rawRequest(service.port, closingRequest('GET', '/health'))).status).toBe(200);
    expect(service.stderr()).toBe(''); // no internal error was logged
    expect(service.peakRssMb()).toBeLessThan(RSS_BOUND_MB);
  });

  it(`answers GET // with 404 and 300 requests with a 1 MB text with 413, peak RSS under ${RSS_BOUND_MB} MB`, { timeout: 60_000 }, async () => {
    for (const path of ['//', '///', '//[', '//:99999']) expect((await rawRequest(service.port, closingRequest('GET', path))).status).toBe(404);
    const request = closingRequest('POST', '/reply', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'F'.repeat(1_000_000) }) });
    const statuses = new Set<number | null>();
    for (let round = 0; round < 75; round++) {
      const answers = await Promise.all(Array.from({ length: 4 }, () => rawRequest(service.port, request, { timeoutMs: 10_000 })));
      for (const answer of answers) statuses.add(answer.status);
    }
    expect([...statuses]).toEqual([413]);
    expect(service.child.exitCode).toBeNull();
    console.log(`1 MB text flood: peak RSS ${service.peakRssMb().toFixed(0)} MB`);
    expect(service.peakRssMb()).toBeLessThan(RSS_BOUND_MB);
  });
});
