import { InvalidFileError, describeValue } from '../errors.js';

/** What `quantizeSymmetricInt8` returns: the int8 values and one scale per channel. */
export interface SymmetricInt8 {
  /** `round(value / scales[channel])`, in [-127, 127]. */
  values: Int8Array;
  /** One non-negative scale per index of `axis`: `max |value|` of that channel / 127 (0 for an all-zero channel). */
  scales: Float32Array;
}

/**
 * Per-channel symmetric int8 quantisation (as TFLite and ONNX quantise weights): for every
 * index `c` along `axis`, `scale[c] = max |w| / 127` over that channel and `q = round(w /
 * scale[c])` in [-127, 127] (the symmetric range, no zero point). The error of each value is at
 * most `scale[c] / 2`; `value ≈ q × scale[c]`. Non-finite values are refused.
 *
 * @example
 * // A [2, 3] kernel quantised per output column (axis 1):
 * const { values, scales } = quantizeSymmetricInt8(Float32Array.from([1, -2, 0, 0.5, 4, 0]), [2, 3], 1);
 * // scales = [1/127, 4/127, 0], values = [127, -64, 0, 64, 127, 0]
 */
export function quantizeSymmetricInt8(values: ArrayLike<number>, shape: readonly number[], axis: number): SymmetricInt8 {
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new InvalidFileError(`Invalid value for \`values\` in quantizeSymmetricInt8. Expected ${size} values (shape [${shape.join(', ')}]). Received: ${values.length}.`);
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new InvalidFileError(`Invalid value for \`axis\` in quantizeSymmetricInt8. Expected an axis of shape [${shape.join(', ')}] (0 to ${shape.length - 1}). Received: ${describeValue(axis)}.`);
  }
  const channels = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < size; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) throw new InvalidFileError(`Invalid value for \`values\` in quantizeSymmetricInt8. Expected finite numbers. Received: ${value} at index ${i}.`);
    const channel = Math.floor(i / inner) % channels;
    const magnitude = Math.abs(value);
    if (magnitude > maxAbs[channel]!) maxAbs[channel] = magnitude;
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = maxAbs[c]! / 127;
  const quantized = new Int8Array(size);
  for (let i = 0; i < size; i++) {
    const scale = scales[Math.floor(i / inner) % channels]!;
    quantized[i] = scale === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(values[i]! / scale)));
  }
  return { values: quantized, scales };
}

/** `values[i] × scales[channel of i]` for a tensor quantised along `axis` of `shape`. */
export function dequantizeSymmetric(values: ArrayLike<number>, scales: ArrayLike<number>, shape: readonly number[], axis: number): Float32Array {
  const channels = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scales[Math.floor(i / inner) % channels]!;
  return out;
}
