import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { History, historyToSvg } from '../index.js';
import { writeHistoryPlot } from '../node.js';

function sampleHistory(): History {
  const history = new History();
  history.record(0, { loss: 1, val_loss: 1.2 });
  history.record(1, { loss: 0.5, val_loss: 0.6 });
  return history;
}

describe('writeHistoryPlot', () => {
  it('writes SVG and self-contained HTML files, and rejects other extensions', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'loom-train-plot-'));
    try {
      await writeHistoryPlot(path.join(directory, 'h.svg'), sampleHistory());
      await writeHistoryPlot(path.join(directory, 'h.html'), sampleHistory(), { title: 'Run' });
      expect(await readFile(path.join(directory, 'h.svg'), 'utf8')).toBe(historyToSvg(sampleHistory()));
      const html = await readFile(path.join(directory, 'h.html'), 'utf8');
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<title>Run</title>');
      expect(html).toContain('<svg');
      expect((await readdir(directory)).sort()).toEqual(['h.html', 'h.svg']);
      await expect(writeHistoryPlot(path.join(directory, 'h.png'), sampleHistory())).rejects.toThrow(
        `Invalid value for \`file\` in writeHistoryPlot. Expected a path ending in '.svg' or '.html'. Received: '${path.join(directory, 'h.png')}'.`,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
