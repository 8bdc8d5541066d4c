// IEEE 754 binary16 ("half") conversion, for containers that store weights as float16.
// Node 20 has no Float16Array: halves travel as their raw 16-bit patterns in a Uint16Array.

const scratch = /* @__PURE__ */ new Float32Array(1);
const scratchBits = /* @__PURE__ */ (() => new Uint32Array(scratch.buffer))();

/** The float16 bit pattern nearest to `value` (round half to even; past ±65504 → ±Infinity). */
function toHalfBits(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0); // Inf, NaN (quiet)
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // overflow
  if (halfExponent <= 0) {
    // Subnormal half (or zero): shift the mantissa, with its implicit 1, into place.
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    let half = full >>> shift;
    const remainder = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  // Round half to even; a carry into the exponent is the correct next value (up to Infinity).
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** The value of a float16 bit pattern. */
function fromHalfBits(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >>> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Rounds float32 values to IEEE float16 (round half to even), returned as the raw 16-bit
 * patterns: values past ±65504 become ±Infinity, values below 2^-24 in magnitude become ±0.
 *
 * @example
 * float16ToFloat32(float32ToFloat16(Float32Array.from([0.1, 70000]))); // [0.0999755859375, Infinity]
 */
export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]!);
  return out;
}

/**
 * Widens IEEE float16 bit patterns (as `float32ToFloat16` returns them, or a container's
 * float16 tensor read raw) to float32 values, exactly.
 *
 * @example
 * float16ToFloat32(Uint16Array.from([0x3c00, 0xc000])); // Float32Array [1, -2]
 */
export function float16ToFloat32(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]!);
  return out;
}

/** True when a float16 bit pattern is ±Infinity or NaN (its exponent bits are all ones). */
export function isNonFiniteHalf(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00;
}
