import type { History } from './history.js';

/** Options of `historyToSvg`. */
export interface HistoryPlotOptions {
  /** Title above the panels. Default `'Training history'`. */
  title?: string;
  /** Width of the picture in pixels. Default 640. */
  width?: number;
  /** Height of one panel in pixels. Default 220. */
  panelHeight?: number;
}

const TRAIN_COLOR = '#1f77b4';
const VALIDATION_COLOR = '#ff7f0e';

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function formatTick(value: number): string {
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(2) : Number(value.toPrecision(4)).toString();
}

/** Groups history keys into panels: `loss` with `val_loss`, `accuracy` with `val_accuracy`. */
function panelsOf(history: History): { name: string; train?: number[]; validation?: number[] }[] {
  const panels = new Map<string, { name: string; train?: number[]; validation?: number[] }>();
  for (const key of history.keys) {
    const isValidation = key.startsWith('val_');
    const name = isValidation ? key.slice(4) : key;
    const panel = panels.get(name) ?? { name };
    if (isValidation) panel.validation = history.values[key];
    else panel.train = history.values[key];
    panels.set(name, panel);
  }
  return [...panels.values()];
}

/**
 * A self-contained SVG (no scripts, no external files) with one panel per value: the training
 * curve solid, the validation curve (`val_` prefix) dashed, epochs on the x axis. Non-finite
 * points are skipped (the line breaks there).
 *
 * @example
 * await writeFile('history.svg', historyToSvg(history, { title: 'MNIST MLP' }));
 */
export function historyToSvg(history: History, options: HistoryPlotOptions = {}): string {
  const width = options.width ?? 640;
  const panelHeight = options.panelHeight ?? 220;
  const title = options.title ?? 'Training history';
  const panels = panelsOf(history);
  const top = 36;
  const margin = { left: 64, right: 16, top: 28, bottom: 32 };
  const height = top + Math.max(1, panels.length) * panelHeight;
  const epochs = history.epochs;
  const firstEpoch = epochs[0] ?? 0;
  const lastEpoch = epochs.at(-1) ?? 0;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16">${escapeXml(title)}</text>`,
  ];
  if (panels.length === 0) parts.push(`<text x="${width / 2}" y="${top + 40}" text-anchor="middle">No epochs recorded</text>`);
  panels.forEach((panel, index) => {
    const y0 = top + index * panelHeight + margin.top;
    const plotHeight = panelHeight - margin.top - margin.bottom;
    const plotWidth = width - margin.left - margin.right;
    const finite = [...(panel.train ?? []), ...(panel.validation ?? [])].filter(Number.isFinite);
    let low = finite.length > 0 ? Math.min(...finite) : 0;
    let high = finite.length > 0 ? Math.max(...finite) : 1;
    if (low === high) {
      low -= 0.5;
      high += 0.5;
    }
    const xOf = (epoch: number): number =>
      margin.left + (lastEpoch === firstEpoch ? plotWidth / 2 : ((epoch - firstEpoch) / (lastEpoch - firstEpoch)) * plotWidth);
    const yOf = (value: number): number => y0 + plotHeight - ((value - low) / (high - low)) * plotHeight;
    parts.push(
      `<g class="panel" data-name="${escapeXml(panel.name)}">`,
      `<text x="${margin.left}" y="${y0 - 8}" font-weight="bold">${escapeXml(panel.name)}</text>`,
      `<rect x="${margin.left}" y="${y0}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#ccc"/>`,
      `<text x="${margin.left - 6}" y="${y0 + 4}" text-anchor="end">${formatTick(high)}</text>`,
      `<text x="${margin.left - 6}" y="${y0 + plotHeight}" text-anchor="end">${formatTick(low)}</text>`,
      `<text x="${margin.left}" y="${y0 + plotHeight + 16}" text-anchor="middle">${firstEpoch + 1}</text>`,
      `<text x="${margin.left + plotWidth}" y="${y0 + plotHeight + 16}" text-anchor="middle">${lastEpoch + 1}</text>`,
      `<text x="${margin.left + plotWidth / 2}" y="${y0 + plotHeight + 16}" text-anchor="middle" fill="#666">epoch</text>`,
    );
    const series: [number[] | undefined, string, string, string][] = [
      [panel.train, TRAIN_COLOR, '', 'train'],
      [panel.validation, VALIDATION_COLOR, ' stroke-dasharray="6 4"', 'validation'],
    ];
    series.forEach(([values, color, dash, label], k) => {
      if (values === undefined) return;
      // Split into runs of finite points so a NaN breaks the line instead of dropping to 0.
      let path = '';
      let penDown = false;
      values.forEach((value, i) => {
        if (!Number.isFinite(value)) {
          penDown = false;
          return;
        }
        path += `${penDown ? 'L' : 'M'}${xOf(epochs[i]!).toFixed(2)},${yOf(value).toFixed(2)}`;
        penDown = true;
      });
      parts.push(`<path class="${label}" d="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
      const legendX = margin.left + plotWidth - 150 + k * 80;
      parts.push(
        `<line x1="${legendX}" y1="${y0 - 12}" x2="${legendX + 18}" y2="${y0 - 12}" stroke="${color}" stroke-width="2"${dash}/>`,
        `<text x="${legendX + 22}" y="${y0 - 8}">${label}</text>`,
      );
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
