import { writeFileAtomic } from '@loom-ml/core/node';
import { invalidValue } from '../errors.js';
import type { History } from '../history.js';
import { escapeXml, historyToSvg, type HistoryPlotOptions } from '../history-plot.js';

/**
 * Writes the history plot atomically: a `.svg` file holds the SVG, a `.html` file wraps it in
 * a minimal self-contained page.
 *
 * @example
 * await writeHistoryPlot('runs/history.html', history, { title: 'XOR' });
 */
export async function writeHistoryPlot(file: string, history: History, options: HistoryPlotOptions = {}): Promise<void> {
  const svg = historyToSvg(history, options);
  if (file.endsWith('.svg')) return writeFileAtomic(file, svg);
  if (file.endsWith('.html')) {
    const title = escapeXml(options.title ?? 'Training history');
    return writeFileAtomic(file, `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n${svg}</body></html>\n`);
  }
  throw invalidValue('file', 'writeHistoryPlot', "a path ending in '.svg' or '.html'", file);
}
