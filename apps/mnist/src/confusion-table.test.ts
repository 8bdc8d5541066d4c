import { describe, expect, it } from 'vitest';
import { formatConfusionMatrix } from './confusion-table.js';

describe('formatConfusionMatrix', () => {
  it('prints counts with per-class recall', () => {
    const table = formatConfusionMatrix([
      [8, 2],
      [0, 0],
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/true\\pred\s+0\s+1\s+recall/);
    expect(lines[1]).toMatch(/^0\s+8\s+2\s+80\.0%$/);
    expect(lines[2]).toMatch(/^1\s+0\s+0\s+n\/a$/);
  });
});
