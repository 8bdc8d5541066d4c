import { connect } from 'node:net';

export interface RawAnswer {
  /** Status code of the first response line, or null when the server answered nothing. */
  status: number | null;
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** True when the server closed the connection before `timeoutMs`. */
  closed: boolean;
}

/**
 * Writes raw bytes to the server and collects what comes back until the server closes the
 * connection or `timeoutMs` passes, so requests that no HTTP client library would send (`GET //`,
 * a broken request line, a body cut short) can be tested.
 *
 * @example
 * const { status } = await rawRequest(port, 'GET // HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
 */
export function rawRequest(port: number, request: string | Buffer, { timeoutMs = 2000, host = '127.0.0.1', localAddress }: { timeoutMs?: number; host?: string; localAddress?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const socket = connect({ port, host, localAddress }, () => socket.write(request));
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
      resolve({ status: match === null ? null : Number(match[1]), text, closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

/** A request with `connection: close`, so the server closes after answering. */
export function closingRequest(method: string, path: string, { host = 'localhost', headers = {}, body = '' }: { host?: string; headers?: Record<string, string>; body?: string } = {}): string {
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${host}`, 'connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body !== '' || method === 'POST') lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
