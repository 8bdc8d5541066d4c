import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, readIdx } from '../index.js';

/** Builds an IDX file by hand: magic, big-endian dims, big-endian values. */
function idx(type: number, shape: number[], values: number[], bytesPer: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4 + 4 * shape.length + values.length * bytesPer);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const start = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    const o = start + i * bytesPer;
    if (type === 0x08) view.setUint8(o, v);
    else if (type === 0x0b) view.setInt16(o, v, false);
    else if (type === 0x0c) view.setInt32(o, v, false);
    else if (type === 0x0d) view.setFloat32(o, v, false);
  });
  return bytes;
}

describe('parseIdx', () => {
  it('reads unsigned bytes with their shape', () => {
    const parsed = parseIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255], 1));
    expect(parsed.shape).toEqual([2, 3]);
    expect(parsed.dtype).toBe('uint8');
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('converts big-endian int16, int32 and float32', () => {
    expect(Array.from(parseIdx(idx(0x0b, [3], [-2, 300, 7], 2)).data)).toEqual([-2, 300, 7]);
    expect(Array.from(parseIdx(idx(0x0c, [2], [-70000, 123456], 4)).data)).toEqual([-70000, 123456]);
    expect(Array.from(parseIdx(idx(0x0d, [2], [1.5, -0.25], 4)).data)).toEqual([1.5, -0.25]);
  });

  it('names truncated files and wrong magic bytes', () => {
    const full = idx(0x08, [2, 2], [1, 2, 3, 4], 1);
    expect(() => parseIdx(full.subarray(0, full.length - 1), 'labels.idx')).toThrow(/labels\.idx has 15 bytes but its header \[2, 2\] of uint8 needs 16/);
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), 'x.csv')).toThrow(/x\.csv is not an IDX file: expected the magic bytes 00 00/);
    expect(() => parseIdx(gzipSync(full))).toThrow(/gzip-compressed/);
  });
});

describe('readIdx (bytes, Blob, Response, stream; gzip anywhere)', () => {
  const labels = idx(0x08, [4], [5, 0, 4, 1], 1);

  it('reads an ArrayBuffer, a typed-array view at an offset, a Blob and a byte stream', async () => {
    const padded = new Uint8Array(labels.length + 3);
    padded.set(labels, 3);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(labels.slice(0, 5));
        controller.enqueue(labels.slice(5));
        controller.close();
      },
    });
    for (const input of [labels.slice().buffer, padded.subarray(3), new Blob([labels]), stream]) {
      expect(Array.from((await readIdx(input)).data)).toEqual([5, 0, 4, 1]);
    }
  });

  it('inflates gzip with DecompressionStream, from bytes and from a fetch Response', async () => {
    expect(Array.from((await readIdx(gzipSync(labels))).data)).toEqual([5, 0, 4, 1]);
    const response = new Response(gzipSync(labels));
    expect((await readIdx(response)).shape).toEqual([4]);
  });

  it('refuses more than maxBytes: declared, streamed, or inflated from a small gzip (a bomb)', async () => {
    const declared = new Response(labels, { headers: { 'content-length': '999999' } });
    await expect(readIdx(declared, { maxBytes: 100, source: 'labels.idx' })).rejects.toThrow(
      'labels.idx is larger than maxBytes (100 bytes; Content-Length says 999999); refused. Raise maxBytes if you trust it.',
    );
    await expect(readIdx(new Blob([labels]), { maxBytes: 8, source: 'b' })).rejects.toThrow('b is larger than maxBytes (8 bytes; it has 12)');
    const zeros = new Uint8Array(8 + 1_000_000); // a valid header for 1 MB of zero pixels, about 1 KB gzipped
    zeros.set([0, 0, 8, 1, 0, 0x0f, 0x42, 0x40]);
    const bomb = gzipSync(zeros);
    expect(bomb.length).toBeLessThan(10_000);
    await expect(readIdx(bomb, { maxBytes: 100_000, source: 'bomb.gz' })).rejects.toThrow('bomb.gz is larger than maxBytes (100000 bytes once inflated)');
  });

  it('names HTTP failures, corrupt gzip and aborted reads', async () => {
    await expect(readIdx(new Response('gone', { status: 404, statusText: 'Not Found' }), { source: 'https://example.test/x' })).rejects.toThrow(
      'https://example.test/x: the server answered HTTP 404 Not Found, not the data.',
    );
    const corrupt = gzipSync(labels).slice(0, 15);
    await expect(readIdx(corrupt, { source: 'cut.gz' })).rejects.toThrow(/^cut\.gz: the gzip data is corrupt or truncated/);
    const controller = new AbortController();
    controller.abort();
    await expect(readIdx(labels, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
