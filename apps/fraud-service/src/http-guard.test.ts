import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import {
  checkBinding,
  clientKey,
  HttpGuard,
  defaultAllowedHosts,
  hostOf,
  isJsonContentType,
  isLoopbackHost,
  jsonNestingExceeds,
  parseRequestTarget,
  RateLimiter,
  readJsonBody,
  resolveGuardOptions,
  sendError,
} from './http-guard.js';

describe('parseRequestTarget', () => {
  it.each(['//', '///', '//[', '//:99999', '//evil.example/score', '/%', '/score?%zz=1'])('takes %s as a path, never as a URL to resolve', (target) => {
    const { path } = parseRequestTarget(target);
    expect(path).toBe(target.split('?')[0]);
  });

  it('splits the query and accepts absolute-form targets', () => {
    const { path, query } = parseRequestTarget('/api/movies?q=toy%20story&limit=5');
    expect([path, query.get('q'), query.get('limit')]).toEqual(['/api/movies', 'toy story', '5']);
    expect(parseRequestTarget('http://localhost:3000/health?x=1').path).toBe('/health');
  });

  it.each(['*', 'example.com:443', '', 'score', 'http://[/', '/a b', '/\u00e9'])('refuses %j with a 400 naming the request target', (target) => {
    let error: unknown;
    try {
      parseRequestTarget(target);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toMatch(/^Invalid value for `request target` in the request line\. Expected a path such as \/health\. Received: /);
  });
});

describe('Host allowlist helpers', () => {
  it('reads the host name without the port, lower case, IPv6 in brackets', () => {
    expect(hostOf('LocalHost:3000')).toBe('localhost');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostOf('[::1]:8080')).toBe('[::1]');
    expect(hostOf('example.com.')).toBe('example.com');
    for (const bad of ['', 'a b', 'localhost:99999', 'evil.com:80:80', '[::1', 'x:port', 'evil.com/path', '::1']) expect(hostOf(bad)).toBeNull();
  });

  it('knows loopback addresses and builds the default allowlist from the bind address', () => {
    expect(['localhost', '127.0.0.1', '127.9.8.7', '::1', '[::1]', '::ffff:127.0.0.1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
    expect(defaultAllowedHosts('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('10.1.2.3')).toEqual(['localhost', '127.0.0.1', '[::1]', '10.1.2.3']);
    expect(defaultAllowedHosts('fd00::5')).toEqual(['localhost', '127.0.0.1', '[::1]', '[fd00::5]']);
  });

  it('refuses to bind beyond loopback without an API key, saying how to fix it', () => {
    expect(() => checkBinding('127.0.0.1', undefined)).not.toThrow();
    expect(() => checkBinding('0.0.0.0', 'k'.repeat(16))).not.toThrow();
    expect(() => checkBinding('0.0.0.0', undefined)).toThrow(
      'Refusing to listen on 0.0.0.0 without an API key: anyone who can reach it could use the service. Set LOOM_API_KEY (or pass --api-key) to a secret of at least 16 characters, or listen on 127.0.0.1.',
    );
  });
});

describe('clientKey', () => {
  it('is the IPv4 address, or the /64 of an IPv6 address', () => {
    expect(clientKey('10.0.0.7')).toBe('10.0.0.7');
    expect(clientKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('2001:db8:0:0:ffff::2')).toBe('2001:db8:0:0::/64');
    expect(clientKey('2001:DB8:0:0001:1:2:3:4')).toBe('2001:db8:0:1::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, then refills at the rate (hand-computed), per client', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, 100, () => now);
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([0, 0, 0]);
    // Empty bucket: one token takes 1 / 2 s at 2 tokens per second.
    expect(limiter.take('a')).toBeCloseTo(0.5, 12);
    expect(limiter.take('b')).toBe(0); // another client has its own bucket
    now = 250; // +0.5 token
    expect(limiter.take('a')).toBeCloseTo(0.25, 12);
    now = 500; // 1 token
    expect(limiter.take('a')).toBe(0);
    now = 100_000; // refilled to the burst, not beyond
    expect(limiter.take('a', 3)).toBe(0);
    expect(limiter.take('a', 2)).toBeCloseTo(1, 12);
  });

  it('keeps at most maxClients buckets, dropping the least recently seen', () => {
    const limiter = new RateLimiter(1, 1, 3, () => 0);
    for (const client of ['a', 'b', 'c']) limiter.take(client);
    limiter.take('a'); // refused, but now the most recently seen
    limiter.take('d'); // drops 'b'
    expect(limiter.size).toBe(3);
    expect(limiter.take('b')).toBe(0); // a fresh bucket
    expect(limiter.take('a')).toBeGreaterThan(0); // still empty: 'a' was kept
  });

  it('is off at rate 0', () => {
    const limiter = new RateLimiter(0, 1);
    expect(Array.from({ length: 100 }, () => limiter.take('a')).every((wait) => wait === 0)).toBe(true);
  });
});

describe('body checks', () => {
  it('accepts application/json with an optional UTF-8 charset only', () => {
    for (const type of ['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"']) expect(isJsonContentType(type)).toBe(true);
    for (const type of [undefined, '', 'application/jsonfoo', 'application/json-patch+json', 'text/json', 'application/json; charset=latin1', 'application/json; boundary=x', 'application/json, text/plain']) {
      expect(isJsonContentType(type)).toBe(false);
    }
  });

  it('measures JSON nesting without parsing, ignoring brackets in strings', () => {
    expect(jsonNestingExceeds('{"a": [1, {"b": 2}]}', 3)).toBe(false);
    expect(jsonNestingExceeds('{"a": [1, {"b": 2}]}', 2)).toBe(true);
    expect(jsonNestingExceeds('["[[[[[", "\\"[[[["]', 1)).toBe(false);
    expect(jsonNestingExceeds('['.repeat(10_000) + ']'.repeat(10_000), 8)).toBe(true);
  });
});

describe('resolveGuardOptions', () => {
  it('states every default', () => {
    const { apiKey, ...limits } = resolveGuardOptions({}, { rateLimit: 50, rateBurst: 100 });
    expect(apiKey).toBeUndefined();
    expect(limits).toEqual({
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      rateLimit: 50,
      rateBurst: 100,
      maxConnections: 256,
      maxConnectionsPerClient: 32,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxHeaderBytes: 16_384,
      maxTrackedClients: 10_000,
    });
  });

  it('names a bad limit, a short key and a malformed allowed host', () => {
    const defaults = { rateLimit: 1, rateBurst: 1 };
    expect(() => resolveGuardOptions({ apiKey: 'short' }, defaults)).toThrow("Invalid value for `apiKey` in the server options. Expected a key of at least 16 characters. Received: '5 characters'.");
    expect(() => resolveGuardOptions({ maxConnections: 0 }, defaults)).toThrow('Invalid value for `maxConnections` in the server options. Expected an integer >= 1. Received: 0.');
    expect(() => resolveGuardOptions({ rateLimit: Number.NaN }, defaults)).toThrow('Invalid value for `rateLimit` in the server options. Expected a number >= 0 (0 = off). Received: NaN.');
    expect(() => resolveGuardOptions({ allowedHosts: ['example.com:80'] }, defaults)).toThrow(
      "Invalid value for `allowedHosts[0]` in the server options. Expected a host name or IP address without a port, such as example.com or [::1]. Received: 'example.com:80'.",
    );
  });
});

describe('HttpGuard.createServer', () => {
  it('closes a slowloris connection for good at the header timeout, even when the client ignores the 408 and keeps sending', async () => {
    const guard = new HttpGuard(resolveGuardOptions({ headersTimeoutMs: 300, requestTimeoutMs: 600 }, { rateLimit: 0, rateBurst: 1 }));
    const server = guard.createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.write('POST /score HTTP/1.1\r\nhost: localhost\r\n'));
    socket.pause(); // never reads the answer
    socket.on('error', () => undefined);
    const trickle = setInterval(() => socket.writable && socket.write('x-a: b\r\n'), 50);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    clearInterval(trickle);
    const open = await new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    expect(open).toBe(0);
  });

  it('answers an oversized upload with 413 after discarding it, so a client still uploading gets the answer, not a reset (Content-Length and chunked)', async () => {
    const guard = new HttpGuard(resolveGuardOptions({}, { rateLimit: 0, rateBurst: 1 }));
    const server = guard.createServer((request, response) => {
      readJsonBody(request, { maxBytes: 1024, maxDepth: 4, where: 'POST /x' }).then(() => response.end('ok'), (error: unknown) => sendError(request, response, error));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const head = 'POST /x HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\n';
    const body = JSON.stringify({ text: 'F'.repeat(1_000_000) });
    const piece = 'F'.repeat(64 * 1024);
    const declared = `${head}content-length: ${body.length}\r\n\r\n${body}`;
    const chunked = `${head}transfer-encoding: chunked\r\n\r\n${`${piece.length.toString(16)}\r\n${piece}\r\n`.repeat(8)}0\r\n\r\n`;
    // Like a client on a real network: the upload goes out in pieces, and the answer is read
    // only after it. Before the discard, the server's early close reset these connections (EPIPE,
    // no answer at all).
    const answers = await Promise.all([declared, chunked, declared].map((request) => pacedUpload(port, request)));
    await new Promise((resolve) => server.close(resolve));
    expect(answers).toEqual(['HTTP/1.1 413', 'HTTP/1.1 413', 'HTTP/1.1 413']);
  });
});

/** Sends `request` 64 KiB every 5 ms, reads only 300 ms after the last piece; the answer's status line or what went wrong. */
function pacedUpload(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.pause();
      let offset = 0;
      const sendPiece = () => {
        if (offset >= request.length) return void setTimeout(() => socket.resume(), 300);
        socket.write(request.slice(offset, offset + 65536));
        offset += 65536;
        setTimeout(sendPiece, 5);
      };
      sendPiece();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`${error.code} after ${Buffer.concat(chunks).length} bytes`));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').slice(0, 12)));
  });
}
