import { describe, expect, it } from 'vitest';
import { FileRefusedError, InvalidFileError, LoomError } from '../errors.js';
import { decodeContainer, encodeContainer, type ContainerTensorInput } from './container.js';
import { float32ToFloat16 } from './float16.js';
import { quantizeSymmetricInt8 } from './quantize.js';
import { sha256Hex } from './sha256.js';

/** Frames a header object and payload with a chosen prefix version, for hostile headers. */
function frame(header: unknown, payload: Uint8Array, version = 2): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(16 + json.length + payload.length);
  bytes.set(new TextEncoder().encode('LOOMSAFE'));
  new DataView(bytes.buffer).setUint32(8, version, true);
  new DataView(bytes.buffer).setUint32(12, json.length, true);
  bytes.set(json, 16);
  bytes.set(payload, 16 + json.length);
  return bytes;
}

const kernel = Float32Array.from([1, -2, 0, 0.5, 4, 0, -0.25, 1, 0]); // [3, 3]: the third column is all zero

function quantised(): ContainerTensorInput[] {
  const { values, scales } = quantizeSymmetricInt8(kernel, [3, 3], 1);
  return [
    { name: 'dense/kernel', dtype: 'int8', shape: [3, 3], data: values, quantization: { scheme: 'symmetric', axis: 1, scales: 'dense/kernel:scales' } },
    { name: 'dense/kernel:scales', dtype: 'float32', shape: [3], data: scales },
    { name: 'dense/bias', dtype: 'float16', shape: [3], data: float32ToFloat16([0.1, -0.5, 2]) },
  ];
}

function refuses(bytes: Uint8Array, message: string | RegExp): void {
  let error: unknown;
  try {
    decodeContainer(bytes, { what: "model 'q.loom'" });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidFileError);
  expect((error as Error).message).toMatch(message);
}

describe('quantizeSymmetricInt8', () => {
  it('scales each channel by max |w| / 127 and rounds, the error at most half a step', () => {
    const { values, scales } = quantizeSymmetricInt8(kernel, [3, 3], 1);
    // Column maxima 1, 4, 0 → scales 1/127, 4/127, 0; worked out by hand.
    expect(Array.from(scales)).toEqual([Math.fround(1 / 127), Math.fround(4 / 127), 0]);
    expect(Array.from(values)).toEqual([127, -64, 0, 64, 127, 0, -32, 32, 0]);
    // Along axis 0 (rows): row maxima 2, 4, 1.
    const rows = quantizeSymmetricInt8(kernel, [3, 3], 0);
    expect(Array.from(rows.scales)).toEqual([2, 4, 1].map((m) => Math.fround(m / 127)));
    for (let i = 0; i < kernel.length; i++) {
      const scale = rows.scales[Math.floor(i / 3)]!;
      expect(Math.abs(rows.values[i]! * scale - kernel[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-9);
    }
    expect(() => quantizeSymmetricInt8([1, NaN], [2], 0)).toThrow('Expected finite numbers. Received: NaN at index 1.');
    expect(() => quantizeSymmetricInt8([1, 2], [2], 1)).toThrow('Invalid value for `axis` in quantizeSymmetricInt8. Expected an axis of shape [2] (0 to 0). Received: 1.');
  });
});

describe('container version 2: float16 and quantised int8 tensors', () => {
  it('writes version 2 only when a tensor needs it, and reads real values back with readFloat32', () => {
    const plain = encodeContainer({ tensors: [{ name: 'w', dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) }] });
    expect(new DataView(plain.buffer).getUint32(8, true)).toBe(1);
    const bytes = encodeContainer({ metadata: { kind: 'q' }, tensors: quantised() });
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(2);
    const container = decodeContainer(bytes);
    expect(container.version).toBe(2);
    expect(container.get('dense/kernel')!.quantization).toEqual({ scheme: 'symmetric', axis: 1, scales: 'dense/kernel:scales' });
    const back = container.readFloat32('dense/kernel');
    const scales = container.read('dense/kernel:scales');
    kernel.forEach((value, i) => expect(Math.abs(back[i]! - value)).toBeLessThanOrEqual(scales[i % 3]! / 2));
    expect(back[0]).toBe(1); // a channel's largest value is exact up to float32 rounding of the scale
    expect(Array.from(container.readFloat32('dense/bias'))).toEqual([0.0999755859375, -0.5, 2]);
    expect(Array.from(container.read('dense/bias'))).toEqual(Array.from(float32ToFloat16([0.1, -0.5, 2])));
    expect(Array.from(container.readFloat32('dense/kernel:scales'))).toEqual(Array.from(scales));
  });

  it('readFloat32 refuses what it cannot turn into real values', () => {
    const container = decodeContainer(encodeContainer({ tensors: [{ name: 'ids', dtype: 'int32', shape: [1], data: Int32Array.from([3]) }, { name: 'raw', dtype: 'int8', shape: [1], data: Int8Array.from([3]) }] }));
    expect(() => container.readFloat32('ids')).toThrow("The container's tensor 'ids' is int32; readFloat32 reads float32, float16 and quantised int8 tensors.");
    expect(() => container.readFloat32('raw')).toThrow("tensor 'raw' is int8 without quantisation scales");
  });

  it('encodeContainer refuses a quantisation it could not read back', () => {
    const [q, s, b] = quantised();
    const bad = (tensors: ContainerTensorInput[]) => () => encodeContainer({ tensors });
    expect(bad([{ ...q!, quantization: { ...q!.quantization!, scales: 'missing' } }, s!, b!])).toThrow("Invalid value for `tensors[0].quantization.scales` in encodeContainer. Expected the name of another tensor of this container holding the scales of 'dense/kernel'. Received: 'missing'.");
    expect(bad([q!, { ...s!, data: Float32Array.from([1, -1, 0]) }, b!])).toThrow("Expected finite, non-negative scales in 'dense/kernel:scales'. Received: -1 at index 1.");
    expect(bad([{ ...b!, quantization: { scheme: 'symmetric', axis: 0, scales: 'dense/kernel:scales' } }, s!])).toThrow("Expected 'int8' for 'dense/bias' (only int8 tensors are quantised). Received: 'float16'.");
  });

  describe('decodeContainer checks the new fields before anything is read', () => {
    const payloadOf = () => {
      const bytes = encodeContainer({ tensors: quantised() });
      const length = new DataView(bytes.buffer).getUint32(12, true);
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length))) as { tensors: Record<string, unknown>[] } & Record<string, unknown>;
      return { header, payload: bytes.subarray(16 + length) };
    };
    const mutate = (change: (tensors: Record<string, unknown>[]) => void, version = 2) => {
      const { header, payload } = payloadOf();
      change(header.tensors);
      return frame({ ...header, version }, payload, version);
    };
    const q = (over: Record<string, unknown>) => (tensors: Record<string, unknown>[]) => {
      tensors[0]!.quantization = { ...(tensors[0]!.quantization as object), ...over };
    };

    it('the version', () => {
      refuses(mutate(() => {}, 1), "Invalid value for `tensors[0].quantization` in the model 'q.loom' header. Expected no float16 or quantised tensor in a version 1 container ('dense/kernel'; they need version 2)");
      refuses(mutate((t) => delete t[0]!.quantization, 1), "Invalid value for `tensors[2].dtype` in the model 'q.loom' header. Expected no float16 or quantised tensor in a version 1 container ('dense/bias'; they need version 2). Received: 'float16'.");
    });

    it('scheme, axis and the scales tensor', () => {
      refuses(mutate(q({ scheme: 'asymmetric' })), "Invalid value for `tensors[0].quantization.scheme` in the model 'q.loom' header. Expected 'symmetric' for 'dense/kernel'. Received: 'asymmetric'.");
      refuses(mutate((t) => (t[0]!.quantization = [1, 2])), "Expected an object { scheme: 'symmetric', axis, scales } for 'dense/kernel'");
      for (const axis of [2, -1, 0.5, '1', null]) refuses(mutate(q({ axis })), "Invalid value for `tensors[0].quantization.axis` in the model 'q.loom' header. Expected an axis of 'dense/kernel' (shape [3, 3]: 0 to 1).");
      refuses(mutate(q({ scales: 'dense/kernel' })), 'Expected the name of another tensor of this container holding the scales');
      refuses(mutate(q({ scales: 'dense/bias' })), "Expected 'dense/bias' to be an unquantised float32 tensor of shape [3] (one scale per index of axis 1 of 'dense/kernel'). Received: 'float16 of shape [3]'.");
      refuses(mutate(q({ scales: { toString: 1 } })), 'Invalid value for `tensors[0].quantization.scales`');
      refuses(
        mutate((t) => {
          t[2]!.dtype = 'int8';
          t[2]!.shape = [3, 2];
          t[2]!.quantization = { scheme: 'symmetric', axis: 0, scales: 'dense/kernel:scales' };
        }),
        "Invalid value for `tensors[2].quantization.scales` in the model 'q.loom' header. Expected scales used by one tensor only ('dense/kernel:scales' already scales 'dense/kernel').",
      );
      refuses(mutate((t) => (t[1]!.quantization = t[0]!.quantization)), "Expected 'dense/kernel:scales' to be an unquantised float32 tensor of shape [3] (one scale per index of axis 1 of 'dense/kernel'). Received: 'quantised float32 of shape [3]'.");
      refuses(
        mutate((t) => {
          t[1]!.quantization = t[0]!.quantization;
          delete t[0]!.quantization;
        }),
        "Invalid value for `tensors[1].dtype` in the model 'q.loom' header. Expected 'int8' for 'dense/kernel:scales' (only int8 tensors are quantised). Received: 'float32'.",
      );
    });

    it('the scales values (finite, non-negative), with a valid checksum', () => {
      for (const [bad, shown] of [[NaN, 'NaN'], [-1, '-1'], [Infinity, 'Infinity']] as const) {
        const { header, payload } = payloadOf();
        const copy = payload.slice();
        new DataView(copy.buffer).setFloat32(9 + 4, bad, true); // scales start after the 9 int8 values
        refuses(frame({ ...header, sha256: sha256Hex(copy) }, copy), `Invalid value for the scales of 'dense/kernel' in the model 'q.loom'. Expected finite, non-negative numbers in 'dense/kernel:scales'. Received: ${shown} at index 1.`);
      }
    });

    it('fuzz: mutated quantisation fields give a named refusal or a finite read (seeded, 1,000 rounds)', () => {
      let seed = 7;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const hostile = [0, 1, 2, 3, -1, 1e9, 0.5, 'dense/bias', 'dense/kernel:scales', 'dense/kernel', null, [], {}, 'symmetric'];
      const fields = ['scheme', 'axis', 'scales'];
      let accepted = 0;
      for (let round = 0; round < 1000; round++) {
        const bytes = mutate((t) => {
          const target = t[Math.floor(next() * t.length)]!;
          const base = (t[0]!.quantization ?? {}) as Record<string, unknown>;
          target.quantization = { ...base, [fields[Math.floor(next() * 3)]!]: hostile[Math.floor(next() * hostile.length)] };
          if (next() < 0.3) target.dtype = ['int8', 'float16', 'float32', 'uint8'][Math.floor(next() * 4)];
        });
        try {
          const container = decodeContainer(bytes);
          for (const t of container.tensors) if (t.dtype !== 'int8' || t.quantization) expect(container.readFloat32(t).every(Number.isFinite)).toBe(true);
          accepted++;
        } catch (error) {
          if (!(error instanceof FileRefusedError) || !LoomError.isInstance(error)) throw error;
        }
      }
      expect(accepted).toBeGreaterThan(0);
    });
  });
});
