import { describe, expect, it } from 'vitest';
import { ChecksumError, FileRefusedError, InvalidFileError, LoomError } from '../errors.js';
import {
  CONTAINER_DTYPES,
  checkContainerHeader,
  containerPayloadLength,
  decodeContainer,
  encodeContainer,
  encodeContainerParts,
  openContainer,
  verifyContainerChecksum,
  type ContainerDtype,
} from './container.js';
import { parseJsonBounded } from './json.js';
import { sha256Hex, sha256HexAsync } from './sha256.js';
import { seededRandom } from '../random.js';

/** Frames any header object and payload the way encodeContainer does, for hostile headers. */
function frame(header: unknown, payload: Uint8Array = new Uint8Array(0), headerText = JSON.stringify(header)): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(headerText);
  const bytes = new Uint8Array(16 + json.length + payload.length);
  bytes.set([0x4c, 0x4f, 0x4f, 0x4d, 0x53, 0x41, 0x46, 0x45]);
  new DataView(bytes.buffer).setUint32(8, 1, true);
  new DataView(bytes.buffer).setUint32(12, json.length, true);
  bytes.set(json, 16);
  bytes.set(payload, 16 + json.length);
  return bytes;
}

function header(tensors: unknown[], payload: Uint8Array, extra: Record<string, unknown> = {}) {
  return { format: 'loom-container', version: 1, sha256: sha256Hex(payload), metadata: null, tensors, ...extra };
}

const sample = () =>
  encodeContainer({
    metadata: { kind: 'test', nested: { list: [1, 2, 3] } },
    tensors: [
      { name: 'a/kernel', dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 4, 5, 6]) },
      { name: 'ids', dtype: 'int32', shape: [3], data: Int32Array.from([7, -8, 2 ** 31 - 1]) },
    ],
  });

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors, synchronously and through WebCrypto', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256HexAsync(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('encodeContainer / decodeContainer', () => {
  it('round-trips every dtype, the metadata and the order of tensors', () => {
    const values: Record<ContainerDtype, number[]> = {
      float64: [1.5, -1e300, Math.PI],
      float32: [0.25, -3, 1e30],
      float16: [0x3c00, 0xc000, 0x7bff],
      int32: [-(2 ** 31), 0, 2 ** 31 - 1],
      uint32: [0, 1, 2 ** 32 - 1],
      int16: [-32768, 0, 32767],
      uint16: [0, 1, 65535],
      int8: [-128, 0, 127],
      uint8: [0, 128, 255],
    };
    const types = { float64: Float64Array, float32: Float32Array, float16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int16: Int16Array, uint16: Uint16Array, int8: Int8Array, uint8: Uint8Array };
    const dtypes = Object.keys(CONTAINER_DTYPES) as ContainerDtype[];
    const bytes = encodeContainer({
      metadata: { hello: ['world'] },
      tensors: dtypes.map((dtype) => ({ name: dtype, dtype, shape: [3], data: types[dtype].from(values[dtype]) })),
    });
    // An unaligned copy still decodes (values are copied out, never viewed in place).
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const container = decodeContainer(shifted);
    expect(container.metadata).toEqual({ hello: ['world'] });
    expect(container.tensors.map((t) => t.name)).toEqual(dtypes);
    for (const dtype of dtypes) {
      const read = container.read(dtype);
      expect(read).toBeInstanceOf(types[dtype]);
      expect(Array.from(read)).toEqual(Array.from(types[dtype].from(values[dtype])));
    }
  });

  it('writes "LOOMSAFE", version 1, a header length that puts the payload on an 8-byte boundary, then the payload', () => {
    const bytes = sample();
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('LOOMSAFE');
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(8, true)).toBe(1);
    const headerLength = view.getUint32(12, true);
    expect((16 + headerLength) % 8).toBe(0);
    expect(bytes.length - 16 - headerLength).toBe(6 * 4 + 3 * 4);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as { tensors: unknown[]; sha256: string };
    expect(header.tensors).toEqual([
      { name: 'a/kernel', dtype: 'float32', shape: [2, 3], offsets: [0, 24] },
      { name: 'ids', dtype: 'int32', shape: [3], offsets: [24, 36] },
    ]);
    expect(header.sha256).toBe(sha256Hex(bytes.subarray(16 + headerLength)));
  });

  it('keeps header and payload apart for two-file formats (checkContainerHeader + openContainer)', () => {
    const { header: written, payload } = encodeContainerParts({ tensors: [{ name: 'w', dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) }] });
    const checked = checkContainerHeader(parseJsonBounded(JSON.stringify({ ...written, weightsFile: 'weights.bin' })));
    expect(containerPayloadLength(checked)).toBe(8);
    expect(Array.from(openContainer(checked, payload).read('w'))).toEqual([1, 2]);
  });
});

describe('decodeContainer refuses, naming what and where, before allocating', () => {
  const refuses = (bytes: Uint8Array, message: string | RegExp, type: typeof FileRefusedError = InvalidFileError, options = {}) => {
    let error: unknown;
    try {
      decodeContainer(bytes, { what: "model 'x.loom'", ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  };

  it('input that is not a container', () => {
    refuses(new Uint8Array([1, 2, 3]), `The model 'x.loom' is not a Loom container: it does not start with "LOOMSAFE" and a 16-byte prefix (it has only 3 bytes).`);
    refuses(new Uint8Array(32), 'is not a Loom container');
    expect(() => decodeContainer([1, 2] as never)).toThrow('must be a Uint8Array');
    const v3 = sample();
    new DataView(v3.buffer).setUint32(8, 3, true);
    refuses(v3, "The model 'x.loom' is container version 3; this Loom reads versions 1 and 2.");
    const v2 = sample();
    new DataView(v2.buffer).setUint32(8, 2, true);
    refuses(v2, "The model 'x.loom' prefix says container version 2 but its header says 1. Was the file edited?");
  });

  it('a header length past the limit or past the end (truncated), before reading the header', () => {
    const huge = sample();
    new DataView(huge.buffer).setUint32(12, 0xffffffff, true);
    refuses(huge, "The model 'x.loom' declares a 4294967295-byte header, more than the limit of 67108864", FileRefusedError);
    const bytes = sample();
    refuses(bytes.subarray(0, 40), /declares a \d+-byte header but has only 24 bytes after its prefix: the file is truncated/);
    refuses(bytes, 'more than the limit of 100 (raise maxBytes', FileRefusedError, { maxBytes: 100 });
  });

  it('a corrupted header: not JSON, not UTF-8, nested too deep — never a raw SyntaxError', () => {
    const bytes = sample();
    bytes[16] = 0x5b; // the header's opening '{' becomes '['
    refuses(bytes, /^The model 'x\.loom' header is not valid JSON \(.*\)\. Was the file truncated or edited\?$/);
    refuses(frame(null, undefined, '{"a":1}'), "Invalid value for `format` in the model 'x.loom' header. Expected 'loom-container'. Received: null.");
    const notUtf8 = frame(null, undefined, '{"a":"xx"}');
    notUtf8[23] = 0xff;
    refuses(notUtf8, "The model 'x.loom' header is not valid UTF-8 text.");
    refuses(frame(null, undefined, `{"metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), "The model 'x.loom' header nests arrays and objects more than 64 deep (at character 75).");
  });

  it('header fields of the wrong form', () => {
    const p = new Uint8Array(8);
    const t = (over: Record<string, unknown>) => [{ name: 'w', dtype: 'float32', shape: [2], offsets: [0, 8], ...over }];
    refuses(frame(header(t({}), p, { format: 'other' }), p), "Invalid value for `format` in the model 'x.loom' header. Expected 'loom-container'. Received: 'other'.");
    refuses(frame(header(t({}), p, { sha256: 'abc' }), p), 'Invalid value for `sha256`');
    refuses(frame(header(t({}), p, { tensors: { w: 1 } }), p), 'Invalid value for `tensors`');
    refuses(frame(header(t({ dtype: 'bfloat16' }), p), p), "Invalid value for `tensors[0].dtype` in the model 'x.loom' header. Expected one of float64, float32, float16, int32, uint32, int16, uint16, int8, uint8 for 'w'. Received: 'bfloat16'.");
    refuses(frame(header(t({ dtype: 'float16', shape: [4] }), p), p), "Invalid value for `tensors[0].dtype` in the model 'x.loom' header. Expected no float16 or quantised tensor in a version 1 container ('w'; they need version 2). Received: 'float16'.");
    refuses(frame(header(t({ dtype: 'constructor' }), p), p), 'Invalid value for `tensors[0].dtype`');
    refuses(frame(header(t({ dtype: 'int32' }), p), p), "Expected one of float32 for 'w'. Received: 'int32'.", InvalidFileError, { dtypes: ['float32'] });
    refuses(frame(header(t({ shape: [2.5] }), p), p), 'Invalid value for `tensors[0].shape`');
    refuses(frame(header(t({ shape: [-2] }), p), p), 'Invalid value for `tensors[0].shape`');
    refuses(frame(header(t({ shape: 'big' }), p), p), 'Invalid value for `tensors[0].shape`');
    refuses(frame(header(t({ shape: [1, 1, 1, 1, 1, 1, 1, 1, 2] }), p), p), 'a list of at most 8 non-negative integers');
    refuses(frame(header(t({ name: '' }), p), p), 'Invalid value for `tensors[0].name`');
    refuses(frame(header(t({ offsets: [0] }), p), p), 'Invalid value for `tensors[0].offsets`');
    refuses(frame(header(t({ offsets: ['0', '8'] }), p), p), 'Invalid value for `tensors[0].offsets`');
    refuses(frame(header([...t({}), ...t({})], p), p), "Invalid value for `tensors[1].name` in the model 'x.loom' header. Expected a name used by no other tensor. Received: 'w'.");
    refuses(frame(header(t({}), p), p), 'at most 0 tensors', InvalidFileError, { maxTensors: 0 });
  });

  it('byte ranges that do not match the shape, overlap, leave gaps or leave the buffer', () => {
    const p = new Uint8Array(16);
    const two = (a: number[], b: number[]) => [
      { name: 'a', dtype: 'float32', shape: [2], offsets: a },
      { name: 'b', dtype: 'float32', shape: [2], offsets: b },
    ];
    refuses(frame(header(two([0, 8], [4, 12]), p), p), "Invalid value for `tensors[1].offsets` in the model 'x.loom' header. Expected ranges back to back: 'b' must begin at byte 8, where the previous tensor ends. Received: [4, 12].");
    refuses(frame(header(two([0, 8], [12, 20]), p), p), "'b' must begin at byte 8");
    refuses(frame(header(two([4, 12], [12, 20]), p), p), "'a' must begin at byte 0");
    refuses(frame(header(two([0, 12], [12, 20]), p), p), "Expected a range of 8 bytes for 'a' (shape [2] of float32, 4 bytes each). Received: [0, 12].");
    refuses(frame(header(two([0, 8], [8, 16]), p), p.subarray(0, 12)), "The model 'x.loom' payload has 12 bytes; its header's tensors take 16. The file is truncated.");
    refuses(frame(header(two([0, 8], [8, 16]), p), new Uint8Array(20)), 'Extra bytes follow the last tensor.');
  });

  it('three 20000x20000 float32 tensors declared in a few hundred bytes', () => {
    const side = 20000 * 20000 * 4;
    const tensors = [0, 1, 2].map((i) => ({ name: `dense_${i}/kernel`, dtype: 'float32', shape: [20000, 20000], offsets: [i * side, (i + 1) * side] }));
    const bytes = frame(header(tensors, new Uint8Array(0)));
    expect(bytes.length).toBeLessThan(500);
    refuses(bytes, "Invalid value for `tensors[0].offsets` in the model 'x.loom' header. Expected a range ending within the maxBytes limit (536870912)");
    refuses(bytes, "The model 'x.loom' payload has 0 bytes; its header's tensors take 4800000000. The file is truncated.", InvalidFileError, { maxBytes: 1e10 });
    const astronomic = [{ name: 'w', dtype: 'float64', shape: [1e9, 1e9, 1e9], offsets: [0, 8] }];
    refuses(frame(header(astronomic, new Uint8Array(8)), new Uint8Array(8)), "Expected a range of more than 2^53 bytes for 'w'");
  });

  it('a flipped payload byte (ChecksumError), synchronously or by verifyContainerChecksum', async () => {
    const bytes = sample();
    bytes[bytes.length - 1]! ^= 0x01;
    refuses(bytes, /^The model 'x\.loom' payload's SHA-256 is [0-9a-f]{64}, but its header records [0-9a-f]{64}: the data was changed or damaged after it was written\.$/, ChecksumError);
    const unchecked = decodeContainer(bytes, { verifyChecksum: false });
    await expect(verifyContainerChecksum(unchecked, 'model')).rejects.toThrow(ChecksumError);
    await expect(verifyContainerChecksum(decodeContainer(sample(), { verifyChecksum: false }))).resolves.toBeUndefined();
  });
});

describe('decodeContainer fuzz (seeded, bounded in time)', () => {
  /** The seeded generator (mulberry32), so a failure reproduces. */
  const random = seededRandom;

  it('never throws anything but a FileRefusedError and never allocates past its input (2,000 mutations)', () => {
    const next = random(1234);
    const base = sample();
    const headerLength = new DataView(base.buffer).getUint32(12, true);
    const text = new TextDecoder().decode(base.subarray(16, 16 + headerLength));
    const numbers = [0, -1, 1, 3, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, 0.5, -0.0];
    const started = performance.now();
    let accepted = 0;
    for (let round = 0; round < 2000 && performance.now() - started < 5000; round++) {
      let bytes: Uint8Array;
      const kind = round % 4;
      if (kind === 0) {
        bytes = base.slice();
        for (let k = 0; k < 1 + Math.floor(next() * 4); k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      } else if (kind === 1) {
        bytes = base.slice(0, Math.floor(next() * base.length));
      } else {
        // Replace one number in the header text by a hostile one (shapes, offsets, lengths).
        const matches = [...text.matchAll(/-?\d+(\.\d+)?/g)];
        const m = matches[Math.floor(next() * matches.length)]!;
        const replacement = String(numbers[Math.floor(next() * numbers.length)]);
        const mutated = text.slice(0, m.index) + replacement + text.slice(m.index! + m[0].length);
        bytes = frame(null, base.subarray(16 + headerLength), kind === 2 ? mutated : mutated.replace(/"(float32|int32)"/, '"uint8"'));
      }
      try {
        const container = decodeContainer(bytes);
        for (const t of container.tensors) expect(container.read(t).byteLength).toBeLessThanOrEqual(bytes.length);
        accepted++;
      } catch (error) {
        if (!(error instanceof FileRefusedError) || !LoomError.isInstance(error)) throw error;
      }
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    // Some mutations keep the file valid (a flipped padding space, a number replaced by itself).
    expect(accepted).toBeGreaterThan(0);
  });
});
