// What stands between the network and the routes: Node's server limits, per-client connection
// and rate limits, the Host allowlist, bearer-token auth, request-target parsing and strict JSON
// bodies. apps/fraud-service and apps/movie-recs each keep a copy of this file (so each app
// copies out standalone); change both together.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AppError, invalidValue } from './errors.js';

/** Limits and access rules of a service; every field has a stated default (see {@link resolveGuardOptions}). */
export interface GuardOptions {
  /**
   * Bearer token the protected routes require (`Authorization: Bearer <key>`). Default: none
   * (no auth), which {@link checkBinding} allows on loopback addresses only.
   */
  apiKey?: string;
  /** Host names (no port) accepted in the `Host` header. Default: localhost, 127.0.0.1, [::1]. */
  allowedHosts?: readonly string[];
  /** Requests per second each client may make, on average (token bucket); 0 turns the limit off. */
  rateLimit?: number;
  /** Token-bucket size: how many requests a client may send at once before the rate applies. */
  rateBurst?: number;
  /** Open connections in all. Default 256. */
  maxConnections?: number;
  /** Open connections per client address (an IPv6 client is its /64). Default 32. */
  maxConnectionsPerClient?: number;
  /** Time a client has to send the request headers. Default 10 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send the whole request. Default 30 s. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Largest request line plus headers. Default 16 KiB. */
  maxHeaderBytes?: number;
  /** Client buckets kept by the rate limiter (least recently seen dropped first). Default 10,000. */
  maxTrackedClients?: number;
}

export type ResolvedGuardOptions = Required<Omit<GuardOptions, 'apiKey'>> & { apiKey: string | undefined };

/** Host names every service accepts unless told otherwise. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Shortest API key accepted: 16 characters (a guessable key is no protection). */
export const MIN_API_KEY_LENGTH = 16;

/** Limits every service starts with unless told otherwise (the rate limits are each app's own). */
export const GUARD_DEFAULTS = {
  maxConnections: 256,
  maxConnectionsPerClient: 32,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  maxTrackedClients: 10_000,
};

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw invalidValue(name, 'the server options', `an integer >= ${min}`, value);
  return value;
}

/**
 * Fills in the defaults (the app supplies its own rate defaults) and checks every limit.
 *
 * @example
 * resolveGuardOptions({}, { rateLimit: 50, rateBurst: 100 }).maxConnections; // 256
 */
export function resolveGuardOptions(options: GuardOptions, rateDefaults: { rateLimit: number; rateBurst: number }): ResolvedGuardOptions {
  const resolved = { ...GUARD_DEFAULTS, ...rateDefaults, allowedHosts: LOOPBACK_HOSTS, ...withoutUndefined(options) };
  if (resolved.apiKey !== undefined && (typeof resolved.apiKey !== 'string' || resolved.apiKey.length < MIN_API_KEY_LENGTH)) {
    throw invalidValue('apiKey', 'the server options', `a key of at least ${MIN_API_KEY_LENGTH} characters`, resolved.apiKey === undefined ? undefined : `${String(resolved.apiKey).length} characters`);
  }
  if (!(Number.isFinite(resolved.rateLimit) && resolved.rateLimit >= 0)) throw invalidValue('rateLimit', 'the server options', 'a number >= 0 (0 = off)', resolved.rateLimit);
  checkInteger('rateBurst', resolved.rateBurst, 1);
  checkInteger('maxConnections', resolved.maxConnections, 1);
  checkInteger('maxConnectionsPerClient', resolved.maxConnectionsPerClient, 1);
  checkInteger('headersTimeoutMs', resolved.headersTimeoutMs, 1);
  checkInteger('requestTimeoutMs', resolved.requestTimeoutMs, resolved.headersTimeoutMs);
  checkInteger('keepAliveTimeoutMs', resolved.keepAliveTimeoutMs, 1);
  checkInteger('maxHeaderBytes', resolved.maxHeaderBytes, 1024);
  checkInteger('maxTrackedClients', resolved.maxTrackedClients, 1);
  const hosts = resolved.allowedHosts.map((host) => normaliseHostName(host));
  hosts.forEach((host, i) => {
    if (host === null) throw invalidValue(`allowedHosts[${i}]`, 'the server options', 'a host name or IP address without a port, such as example.com or [::1]', resolved.allowedHosts[i]);
  });
  return { ...resolved, allowedHosts: hosts as string[], apiKey: resolved.apiKey };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** True for the addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Refuses to serve without auth anywhere but loopback: binding to another address with no API
 * key throws an error that says how to fix it.
 *
 * @example
 * checkBinding('0.0.0.0', undefined); // throws: "Refusing to listen on 0.0.0.0 without an API key ..."
 */
export function checkBinding(host: string, apiKey: string | undefined): void {
  if (apiKey === undefined && !isLoopbackHost(host)) {
    throw new AppError(
      `Refusing to listen on ${host} without an API key: anyone who can reach it could use the service. Set LOOM_API_KEY (or pass --api-key) to a secret of at least ${MIN_API_KEY_LENGTH} characters, or listen on 127.0.0.1.`,
    );
  }
}

/** The Host allowlist for a bind address: the loopback names, plus the address itself when it is a specific one. */
export function defaultAllowedHosts(bindHost: string): string[] {
  const hosts = [...LOOPBACK_HOSTS];
  const own = normaliseHostName(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
  if (own !== null && own !== '0.0.0.0' && own !== '[::]' && !hosts.includes(own)) hosts.push(own);
  return hosts;
}

/** A host name as the allowlist compares it: lower case, no trailing dot, IPv6 in brackets; null if it is not a host name. */
function normaliseHostName(host: string): string | null {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  if (/^\[[0-9a-f:.]+\]$/.test(name)) return name;
  if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name) && name.length <= 253) return name;
  return null;
}

/** The host name of a `Host` header without its port, normalised; null when malformed. */
export function hostOf(header: string): string | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header.trim());
  if (match === null || Number(match[2] ?? 0) > 65535) return null;
  return normaliseHostName(match[1]!);
}

/**
 * What identifies a client for connection and rate limits: its IPv4 address, or the /64 prefix of
 * its IPv6 address (one host usually holds a whole /64, so counting single IPv6 addresses would
 * let one client look like millions). Proxy headers such as X-Forwarded-For are not trusted.
 *
 * @example
 * clientKey('2001:db8::1'); // '2001:db8:0:0::/64'
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const plain = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (mapped !== null) return mapped[1]!;
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...new Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/**
 * Token buckets, one per client: each holds up to `burst` tokens and refills at `ratePerSecond`;
 * a request takes `cost` tokens or is refused. At most `maxClients` buckets are kept (the least
 * recently seen is dropped), so memory stays bounded whatever addresses connect.
 *
 * @example
 * const limiter = new RateLimiter(10, 20);
 * limiter.take('10.0.0.1'); // 0: allowed
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly maxClients = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes `cost` tokens from the client's bucket: 0 when allowed, else the seconds until it would be. Never takes tokens from a refused request. */
  take(client: string, cost = 1): number {
    if (this.ratePerSecond <= 0) return 0;
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, updated: now };
    } else {
      // Re-inserted below, so the Map's order is least recently seen first.
      this.buckets.delete(client);
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.ratePerSecond);
      bucket.updated = now;
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return (cost - bucket.tokens) / this.ratePerSecond;
  }

  /** Buckets currently kept. */
  get size(): number {
    return this.buckets.size;
  }
}

/** The parsed request target: the path exactly as sent (no decoding, no normalisation) and the query. */
export interface RequestTarget {
  path: string;
  query: URLSearchParams;
}

/**
 * Splits a request target into path and query without ever throwing anything but a 400
 * {@link AppError}: `//`, `///`, `//[` and `//:99999` are paths (404 on every route), not
 * URLs to resolve. Absolute-form targets (`http://host/path`) are accepted as HTTP/1.1 requires;
 * anything else (`*`, `example.com:443`) is a 400.
 *
 * @example
 * parseRequestTarget('/api/movies?q=toy').path; // '/api/movies'
 */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  let raw = target ?? '';
  if (/^https?:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      raw = `${url.pathname}${url.search}`;
    } catch {
      throw invalidValue('request target', 'the request line', 'a path such as /health', raw);
    }
  }
  if (!raw.startsWith('/') || /[^\x21-\x7e]/.test(raw)) throw invalidValue('request target', 'the request line', 'a path such as /health', raw);
  const mark = raw.indexOf('?');
  return mark < 0 ? { path: raw, query: new URLSearchParams() } : { path: raw.slice(0, mark), query: new URLSearchParams(raw.slice(mark + 1)) };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `application/json`, optionally with `charset=utf-8`; nothing else (`application/jsonfoo`, `text/json`, other charsets) is JSON here. */
const JSON_CONTENT_TYPE = /^application\/json[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*(?:utf-8|"utf-8")[ \t]*)?$/i;

/** True when the content type says JSON in UTF-8 (see {@link readJsonBody}). */
export function isJsonContentType(type: string | undefined): boolean {
  return type !== undefined && JSON_CONTENT_TYPE.test(type);
}

/**
 * True when JSON text nests arrays and objects more than `maxDepth` deep, found by one scan
 * before parsing (brackets inside strings do not count), so deeply nested input is refused
 * before it can exhaust the stack of anything that walks it.
 *
 * @example
 * jsonNestingExceeds('[[1]]', 1); // true
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export interface JsonBodyLimits {
  /** Largest body in bytes. */
  maxBytes: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** The route, for messages: 'POST /score'. */
  where: string;
}

/**
 * Reads a JSON request body within limits: content type exactly `application/json` (optionally
 * `; charset=utf-8`, else 415), at most `maxBytes` (413, checked on Content-Length first and
 * while streaming), valid UTF-8 and JSON (400), nested at most `maxDepth` deep (400).
 *
 * @example
 * const body = await readJsonBody(request, { maxBytes: 65536, maxDepth: 8, where: 'POST /api/recommend' });
 */
export async function readJsonBody(request: IncomingMessage, { maxBytes, maxDepth, where }: JsonBodyLimits): Promise<unknown> {
  const type = request.headers['content-type'];
  if (!isJsonContentType(type)) throw invalidValue('content-type', where, "'application/json' (optionally with '; charset=utf-8')", type, 415);
  const tooLarge = () => new AppError(`Request body too large: more than ${maxBytes} bytes.`, 413);
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed on an early exit: sendError discards the rest, then answers (see discardUnreadBody).
  for await (const chunk of request.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw invalidValue('body', where, 'UTF-8 text', `${size} bytes that are not UTF-8`);
  }
  if (jsonNestingExceeds(text, maxDepth)) throw invalidValue('body', where, `JSON nested at most ${maxDepth} levels deep`, text);
  try {
    return JSON.parse(text);
  } catch {
    throw invalidValue('body', where, 'valid JSON', text);
  }
}

/**
 * The server side of {@link GuardOptions}: creates the `node:http` server with its limits set,
 * tracks connections per client, and checks each request's rate, target, Host and token.
 *
 * @example
 * const guard = new HttpGuard(resolveGuardOptions({}, { rateLimit: 50, rateBurst: 100 }));
 * const server = guard.createServer((request, response) => { ... });
 */
export class HttpGuard {
  readonly limiter: RateLimiter;
  /** Connections closed on arrival because a connection limit was reached. */
  refusedConnections = 0;
  private readonly connectionsPerClient = new Map<string, number>();
  private readonly keyDigest: Buffer | undefined;
  private readonly allowedHosts: Set<string>;

  constructor(readonly options: ResolvedGuardOptions) {
    this.limiter = new RateLimiter(options.rateLimit, options.rateBurst, options.maxTrackedClients);
    this.keyDigest = options.apiKey === undefined ? undefined : digest(options.apiKey);
    this.allowedHosts = new Set(options.allowedHosts);
  }

  /** A `node:http` server with every limit of the options set explicitly (Node's own defaults are far looser). */
  createServer(listener: (request: IncomingMessage, response: ServerResponse) => void): Server {
    const { options } = this;
    const server = createServer(
      {
        maxHeaderSize: options.maxHeaderBytes,
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
        keepAliveTimeout: options.keepAliveTimeoutMs,
        // Node checks the two timeouts above only this often (default 30 s): check every 250 ms.
        connectionsCheckingInterval: Math.min(250, options.headersTimeoutMs),
        requireHostHeader: true,
      },
      listener,
    );
    server.maxConnections = options.maxConnections;
    // A connection that stops reading our answer is closed too.
    server.setTimeout(options.requestTimeoutMs);
    server.on('connection', (socket: Socket) => {
      const client = clientKey(socket.remoteAddress);
      const open = (this.connectionsPerClient.get(client) ?? 0) + 1;
      if (open > options.maxConnectionsPerClient) {
        this.refusedConnections++;
        socket.destroy();
        return;
      }
      this.connectionsPerClient.set(client, open);
      socket.once('close', () => {
        const left = (this.connectionsPerClient.get(client) ?? 1) - 1;
        if (left <= 0) this.connectionsPerClient.delete(client);
        else this.connectionsPerClient.set(client, left);
      });
    });
    server.on('drop', () => this.refusedConnections++);
    // CONNECT (a proxy request) and protocol upgrades are not served: answer instead of dropping the socket.
    const refuse = (_request: IncomingMessage, socket: Duplex) => {
      if (socket.writable) socket.end('HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n', () => socket.destroy());
      else socket.destroy();
    };
    server.on('connect', refuse);
    server.on('upgrade', refuse);
    // Malformed HTTP never reaches the listener: answer with the matching status and close.
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') {
        socket.destroy();
        return;
      }
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      // Then close both ways: a client that ignores the answer and keeps sending must not keep the connection.
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => socket.destroy());
    });
    return server;
  }

  /**
   * Checks a request before routing: the client's rate (429 with Retry-After) and the Host
   * header (403 unless allowlisted, against DNS rebinding). Parse the target first with
   * {@link parseRequestTarget}.
   */
  admit(request: IncomingMessage): void {
    this.charge(request, 1);
    const header = request.headers.host;
    const host = header === undefined ? null : hostOf(header);
    if (host === null || !this.allowedHosts.has(host)) {
      throw invalidValue('host', 'the request headers', `one of ${[...this.allowedHosts].join(', ')} (set --allowed-hosts to serve other names)`, header, 403);
    }
  }

  /** Takes `cost` more tokens from the client's bucket, or throws a 429 with Retry-After. */
  charge(request: IncomingMessage, cost: number): void {
    const wait = this.limiter.take(clientKey(request.socket.remoteAddress), cost);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait));
      throw new AppError(`Too many requests: the limit is ${this.options.rateLimit} per second per client (bursts of ${this.options.rateBurst}). Retry in ${seconds} s.`, 429, { 'retry-after': String(seconds) });
    }
  }

  /** True when no API key is set, or the request carries it as a bearer token (compared in constant time). */
  isAuthorized(request: IncomingMessage): boolean {
    if (this.keyDigest === undefined) return true;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), this.keyDigest);
  }

  /** Throws a 401 (with `WWW-Authenticate: Bearer`) unless {@link isAuthorized}. */
  authorize(request: IncomingMessage, where: string): void {
    if (this.isAuthorized(request)) return;
    const sent = request.headers.authorization !== undefined;
    throw new AppError(`${sent ? 'Invalid API key' : 'Missing API key'} for ${where}: send the header 'Authorization: Bearer <key>'.`, 401, {
      'www-authenticate': `Bearer realm="loom"${sent ? ', error="invalid_token"' : ''}`,
    });
  }
}

/** At most this much of an unread upload is read and discarded before an error answer ({@link discardUnreadBody}). */
export const DISCARD_LIMIT_BYTES = 4 * 1024 * 1024;
/** ... and for at most this long. */
export const DISCARD_LIMIT_MS = 2000;

/**
 * Reads and drops what is left of a request body (at most {@link DISCARD_LIMIT_BYTES}, for at
 * most {@link DISCARD_LIMIT_MS}) and then calls `then`. Why: a server that answers early (413 on
 * the Content-Length) and closes while the client is still uploading makes the kernel reset the
 * connection, and a reset can drop the answer before the client reads it. A larger or slower
 * upload is not waited for: `then` runs at the limit, and the client may see a reset instead.
 */
export function discardUnreadBody(request: IncomingMessage, then: () => void): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (request.complete || request.destroyed || !(declared <= DISCARD_LIMIT_BYTES)) return then();
  let seen = 0;
  const finish = () => {
    clearTimeout(timer);
    request.off('data', onData).off('end', finish).off('close', finish).off('error', finish);
    then();
  };
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DISCARD_LIMIT_BYTES) finish();
  };
  const timer = setTimeout(finish, DISCARD_LIMIT_MS);
  request.on('data', onData).once('end', finish).once('close', finish).once('error', finish);
  request.resume();
}

/**
 * Answers a failed request: an {@link AppError} with its status, message and headers, anything
 * else as a 500 whose details go to stderr only. A request whose body was not read to the end
 * gets its connection closed, so an unread upload cannot keep the socket busy; the rest of a small
 * upload is discarded first ({@link discardUnreadBody}), so the answer is not lost to a reset.
 */
export function sendError(request: IncomingMessage, response: ServerResponse, error: unknown, extraHeaders: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  if (!request.complete) discardUnreadBody(request, () => answerError(response, error, { ...extraHeaders, connection: 'close' }));
  else answerError(response, error, extraHeaders);
}

function answerError(response: ServerResponse, error: unknown, headers: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return;
  if (error instanceof AppError) {
    sendJson(response, error.status, { error: error.message }, { ...headers, ...error.headers });
  } else {
    console.error(error);
    sendJson(response, 500, { error: 'Internal error.' }, headers);
  }
}

/** Sends a JSON answer. */
export function sendJson(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
  response.end(JSON.stringify(payload));
}

/**
 * One line for the start-up log: auth, allowed hosts, rate and connection limits (never the key).
 *
 * @example
 * describeGuard(guard.options, '/score'); // "auth: off (loopback only); allowed hosts: localhost, ..."
 */
export function describeGuard(options: ResolvedGuardOptions, protectedRoutes: string): string {
  const auth = options.apiKey === undefined ? 'off (loopback only)' : `API key required on ${protectedRoutes}`;
  const rate = options.rateLimit === 0 ? 'off' : `${options.rateLimit}/s per client, bursts of ${options.rateBurst}`;
  return `auth: ${auth}; allowed hosts: ${options.allowedHosts.join(', ')}; rate limit: ${rate}; connections: at most ${options.maxConnections}, ${options.maxConnectionsPerClient} per client`;
}

/** The address as it goes in a URL: IPv6 in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
