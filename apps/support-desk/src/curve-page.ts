// The coverage/accuracy curve as a standalone HTML page with an inline SVG (no script, no
// dependency): the share of test queries answered automatically against the accuracy of those
// answers, for the Loom model (calibrated) and the baseline, with the chosen threshold marked.
import type { CoveragePoint } from './evaluation.js';
import type { Report } from './experiment.js';

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 60, right: 20, top: 20, bottom: 50 };
/** Lowest accuracy on the plot's vertical axis. */
const FLOOR = 0.8;

const x = (coverage: number) => MARGIN.left + coverage * (WIDTH - MARGIN.left - MARGIN.right);
const y = (accuracy: number) => MARGIN.top + ((1 - Math.max(accuracy, FLOOR)) / (1 - FLOOR)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
const path = (points: CoveragePoint[]) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.coverage).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join(' ');
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * @example
 * await writeFile('runs/latest/curve.html', coveragePage(report));
 */
export function coveragePage(report: Report): string {
  const { calibration } = report;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const accuracyTicks = [0.8, 0.85, 0.9, 0.95, 1];
  const grid = [
    ...ticks.map((t) => `<line x1="${x(t)}" y1="${y(1)}" x2="${x(t)}" y2="${y(FLOOR)}" class="grid"/><text x="${x(t)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${t * 100}%</text>`),
    ...accuracyTicks.map((a) => `<line x1="${x(0)}" y1="${y(a)}" x2="${x(1)}" y2="${y(a)}" class="grid"/><text x="${MARGIN.left - 8}" y="${y(a) + 4}" text-anchor="end">${Math.round(a * 100)}%</text>`),
  ].join('\n    ');
  const point = calibration.test;
  const title = `Coverage and accuracy of the answered test queries (BANKING77, ${report.queries.test} queries)`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
  svg text { font-size: 12px; fill: #444; }
  .grid { stroke: #e4e4e4; }
  .loom { stroke: #1f6feb; fill: none; stroke-width: 2; }
  .baseline { stroke: #d29922; fill: none; stroke-width: 2; stroke-dasharray: 6 4; }
  .target { stroke: #cf222e; stroke-dasharray: 3 3; }
</style></head>
<body>
<h1>${escape(title)}</h1>
<p>Answer only when the top intent's confidence reaches a threshold; hand the rest off to a person. Each curve goes from the most confident query (left) to all queries answered (right).
The Loom model's confidence is temperature-scaled (T = ${calibration.temperature.toFixed(3)}); the threshold ${calibration.threshold.toFixed(3)} was chosen on the validation split for ${(100 * calibration.targetAccuracy).toFixed(0)}% accuracy of the answered queries.
On the test split it answers ${(100 * point.coverage).toFixed(1)}% of the queries at ${(100 * point.accuracy).toFixed(2)}% accuracy. Trained ${escape(report.date)}.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escape(title)}">
    ${grid}
    <line x1="${x(0)}" y1="${y(calibration.targetAccuracy)}" x2="${x(1)}" y2="${y(calibration.targetAccuracy)}" class="target"/>
    <path d="${path(report.curves.baseline)}" class="baseline"/>
    <path d="${path(report.curves.loom)}" class="loom"/>
    <circle cx="${x(point.coverage).toFixed(1)}" cy="${y(point.accuracy).toFixed(1)}" r="5" fill="#cf222e"/>
    <text x="${(WIDTH - MARGIN.left - MARGIN.right) / 2 + MARGIN.left}" y="${HEIGHT - 12}" text-anchor="middle">coverage: share of test queries answered automatically</text>
    <text transform="translate(16 ${HEIGHT / 2}) rotate(-90)" text-anchor="middle">accuracy of the answered queries</text>
    <text x="${x(0.02)}" y="${y(0.81)}" fill="#1f6feb">— Loom ${report.blend ? `blend of the bag and the word CNN` : 'model'} (${(100 * (report.blend ?? report.loom).accuracy).toFixed(1)}% at full coverage)</text>
    <text x="${x(0.02)}" y="${y(0.82) - 6}" fill="#d29922">- - TF-IDF baseline (${(100 * report.baseline.accuracy).toFixed(1)}%)</text>
</svg>
</body>
</html>
`;
}
