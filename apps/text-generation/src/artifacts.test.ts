// Which runs feed the web page's model: only those saving into the default folder `runs`.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pageModelDir } from './artifacts.js';

describe('pageModelDir', () => {
  it('is web/public/model for the default folder, however it is spelt', () => {
    const page = fileURLToPath(new URL('../web/public/model', import.meta.url));
    expect(pageModelDir('runs')).toBe(page);
    expect(pageModelDir('./runs')).toBe(page);
    expect(pageModelDir(resolve('runs'))).toBe(page);
  });

  it('is nothing for a run saved elsewhere with --out', () => {
    expect(pageModelDir('runs-3x128')).toBeUndefined();
    expect(pageModelDir('/tmp/side-by-side')).toBeUndefined();
  });
});
