import { describe, expect, it } from 'vitest';
import { inkFromRgba, toMnistInput } from './preprocess.js';

function blankRgba(width: number, height: number): Uint8ClampedArray {
  return new Uint8ClampedArray(width * height * 4).fill(255);
}

function paint(rgba: Uint8ClampedArray, width: number, x0: number, y0: number, x1: number, y1: number): void {
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = 4 * (y * width + x);
      rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
    }
  }
}

describe('toMnistInput', () => {
  it('returns all zeros for an empty drawing', () => {
    const input = toMnistInput(inkFromRgba(blankRgba(280, 280), 280, 280));
    expect(input.length).toBe(784);
    expect(input.every((v) => v === 0)).toBe(true);
  });

  it('scales a tall stroke to 20 px high and centres it by mass', () => {
    const rgba = blankRgba(280, 280);
    // A 20x200 black bar in the top-left corner: after scaling by 20/200 it is 2x20.
    paint(rgba, 280, 10, 5, 30, 205);
    const input = toMnistInput(inkFromRgba(rgba, 280, 280));
    const rows = new Set<number>();
    const cols = new Set<number>();
    input.forEach((v, i) => {
      if (v > 0.5) {
        rows.add(Math.floor(i / 28));
        cols.add(i % 28);
      }
    });
    expect(rows.size).toBe(20);
    expect(cols.size).toBe(2);
    // Mass centre of a 2x20 bar placed at the field centre (14, 14): rows 4..23, cols 13..14.
    expect(Math.min(...rows)).toBe(4);
    expect(Math.max(...rows)).toBe(23);
    expect([...cols].sort()).toEqual([13, 14]);
    // Full ink inside the bar: area averaging of solid black gives exactly 1.
    expect(input[14 * 28 + 13]).toBeCloseTo(1, 6);
  });

  it('reads ink from alpha when strokes are drawn on a transparent canvas', () => {
    const rgba = new Uint8ClampedArray(4 * 4 * 4);
    rgba.set([0, 0, 0, 255], 4 * 5);
    expect(inkFromRgba(rgba, 4, 4).ink[5]).toBe(1);
    expect(inkFromRgba(rgba, 4, 4).ink[0]).toBe(0);
  });
});
