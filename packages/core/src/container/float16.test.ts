import { describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16, isNonFiniteHalf } from './float16.js';

describe('float16 conversion', () => {
  it('matches IEEE 754 binary16 bit patterns worked out by hand', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff], // largest finite half
      [65519.99, 0x7bff], // below the halfway point to 65536: rounds down
      [65520, 0x7c00], // halfway to 2^16, ties to even (the exponent carry): Infinity
      [1e6, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // halfway to the smallest subnormal: ties to even (0)
      [1.5 * 2 ** -24, 0x0002], // halfway between subnormals 1 and 2: ties to even (2)
      [0.1, 0x2e66],
      [-0, 0x8000],
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1 + 2^-10: ties to even (1)
      [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1 + 2^-10 and 1 + 2^-9: ties to even
    ];
    for (const [value, bits] of cases) expect([value, float32ToFloat16([value])[0]]).toEqual([value, bits]);
    expect(Number.isNaN(float16ToFloat32(float32ToFloat16([NaN]))[0])).toBe(true);
    expect(Array.from(float16ToFloat32(Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000])))).toEqual([1, -2, 65504, 2 ** -24, Infinity, -0]);
  });

  it('every finite half survives float16 -> float32 -> float16, and midpoints round to the even neighbour', () => {
    // Exhaustive over the 63,488 finite non-negative and negative halves: an independent check
    // of both directions, since each half's value is (1 + m/1024) 2^(e-15) by definition.
    for (let bits = 0; bits < 0x10000; bits++) {
      if (isNonFiniteHalf(bits)) continue;
      const exponent = (bits >> 10) & 0x1f;
      const mantissa = bits & 0x3ff;
      const expected = (bits & 0x8000 ? -1 : 1) * (exponent === 0 ? mantissa * 2 ** -24 : (1 + mantissa / 1024) * 2 ** (exponent - 15));
      const value = float16ToFloat32([bits])[0]!;
      if (value !== expected) throw new Error(`half 0x${bits.toString(16)} read as ${value}, expected ${expected}`);
      if (float32ToFloat16([value])[0] !== bits) throw new Error(`half 0x${bits.toString(16)} did not round-trip`);
      // The midpoint to the next half up (same sign) goes to whichever of the two is even.
      if ((bits & 0x7fff) < 0x7bff) {
        const next = float16ToFloat32([bits + 1])[0]!;
        const mid = (value + next) / 2;
        if (Math.fround(mid) === mid && float32ToFloat16([mid])[0] !== ((bits & 1) === 0 ? bits : bits + 1)) throw new Error(`midpoint above 0x${bits.toString(16)} rounded wrongly`);
      }
    }
  });
});
