// The dashboard, served as one string: plain HTML, inline SVG drawn by inline JS, no CDN, no build.
// It polls GET /api/summary every two seconds. (No template literals inside the script, so this
// file's own template string needs no escaping.)
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fraud service · Loom</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; max-width: 1100px; margin: 1.5rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.35rem; margin-bottom: .2rem; }
  h2 { font-size: 1.05rem; margin: 0 0 .4rem; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1.2rem; }
  section { border: 1px solid #e3e3e3; border-radius: 6px; padding: .8rem; }
  svg { width: 100%; height: auto; display: block; }
  .muted { color: #777; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid #eee; vertical-align: top; }
  .legend span { display: inline-block; width: .8em; height: .8em; margin: 0 .25em 0 .8em; vertical-align: middle; }
  #error { color: #b00020; }
</style>
</head>
<body>
<h1>Credit-risk scoring service</h1>
<p id="model-info" class="muted">Loading…</p>
<p id="error" role="alert"></p>
<form id="key-form" hidden><label>API key <input id="api-key" type="password" autocomplete="off"></label> <button>Use it</button> <span class="muted">(kept for this tab only)</span></form>
<div class="grid">
  <section>
    <h2>Score distribution</h2>
    <div class="legend muted"><span style="background:#9aa5b1"></span>good loans (test split)<span style="background:#d64545"></span>bad loans (test split)<span style="background:#1f6feb"></span>recent traffic</div>
    <svg id="scores-chart" viewBox="0 0 480 240" role="img" aria-label="score distribution"></svg>
  </section>
  <section id="pr-section">
    <h2>Precision–recall (test split)</h2>
    <svg id="pr-chart" viewBox="0 0 480 240" role="img" aria-label="precision-recall curve"></svg>
  </section>
  <section>
    <h2>Drift: PSI of recent traffic vs training</h2>
    <p class="muted" id="drift-note"></p>
    <svg id="drift-chart" viewBox="0 0 480 460" role="img" aria-label="feature drift"></svg>
  </section>
  <section>
    <h2>Recent alerts <span class="muted" id="alert-count"></span></h2>
    <p class="muted" id="anomaly-info"></p>
    <table>
      <thead><tr><th>time</th><th>id</th><th>score</th><th title="isolation forest, unsupervised: how unusual the loan is, not a probability">anomaly</th><th>why (top attributions, log-odds)</th></tr></thead>
      <tbody id="alerts"></tbody>
    </table>
  </section>
</div>
<script>
const NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);
// With an API key set on the server, /api/summary needs it: asked for once, kept in this tab's sessionStorage.
let apiKey = sessionStorage.getItem('loom-api-key') || '';
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey = $('api-key').value.trim();
  sessionStorage.setItem('loom-api-key', apiKey);
  $('key-form').hidden = true;
  refresh();
});
function el(name, attributes, text) {
  const node = document.createElementNS(NS, name);
  for (const key in attributes) node.setAttribute(key, attributes[key]);
  if (text !== undefined) node.textContent = text;
  return node;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
const fmt = (v, d) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));

function axes(svg, left, top, width, height, xLabel, yLabel, yMax) {
  svg.appendChild(el('line', { x1: left, y1: top + height, x2: left + width, y2: top + height, stroke: '#555' }));
  svg.appendChild(el('line', { x1: left, y1: top, x2: left, y2: top + height, stroke: '#555' }));
  svg.appendChild(el('text', { x: left + width / 2, y: top + height + 30, 'text-anchor': 'middle', 'font-size': 11 }, xLabel));
  svg.appendChild(el('text', { x: 12, y: top + height / 2, 'text-anchor': 'middle', 'font-size': 11, transform: 'rotate(-90 12 ' + (top + height / 2) + ')' }, yLabel));
  for (let k = 0; k <= 4; k++) {
    svg.appendChild(el('text', { x: left + (k * width) / 4, y: top + height + 14, 'text-anchor': 'middle', 'font-size': 10 }, (k / 4).toFixed(2)));
    if (yMax) svg.appendChild(el('text', { x: left - 4, y: top + height - (k * height) / 4 + 3, 'text-anchor': 'end', 'font-size': 10 }, ((k * yMax) / 4).toFixed(2)));
  }
}

function drawScores(data) {
  const svg = $('scores-chart');
  clear(svg);
  const left = 50, top = 10, width = 410, height = 180;
  const shares = (counts) => { const total = counts.reduce((a, b) => a + b, 0) || 1; return counts.map((c) => c / total); };
  // An imported model has no test split: recent traffic alone.
  const recent = shares(data.scores.recent);
  const good = data.scores.testGood ? shares(data.scores.testGood) : recent.map(() => 0), bad = data.scores.testBad ? shares(data.scores.testBad) : recent.map(() => 0);
  const max = Math.max.apply(null, good.concat(bad, recent, [0.01]));
  axes(svg, left, top, width, height, 'score', 'share of loans', max);
  const bins = good.length, slot = width / bins;
  for (let i = 0; i < bins; i++) {
    const x = left + i * slot;
    svg.appendChild(el('rect', { class: 'bar-good', x: x + 1, width: slot / 2 - 1, y: top + height - (good[i] / max) * height, height: (good[i] / max) * height, fill: '#9aa5b1' }));
    svg.appendChild(el('rect', { class: 'bar-bad', x: x + slot / 2, width: slot / 2 - 1, y: top + height - (bad[i] / max) * height, height: (bad[i] / max) * height, fill: '#d64545' }));
  }
  if (data.totals.scored > 0) {
    const points = recent.map((s, i) => (left + (i + 0.5) * slot) + ',' + (top + height - (s / max) * height)).join(' ');
    svg.appendChild(el('polyline', { id: 'recent-scores', points: points, fill: 'none', stroke: '#1f6feb', 'stroke-width': 2 }));
  }
  const tx = left + data.model.threshold * width;
  svg.appendChild(el('line', { x1: tx, x2: tx, y1: top, y2: top + height, stroke: '#111', 'stroke-dasharray': '4 3' }));
  svg.appendChild(el('text', { x: tx + 4, y: top + 12, 'font-size': 10 }, 'threshold ' + fmt(data.model.threshold, 3)));
}

function drawPr(data) {
  const svg = $('pr-chart');
  clear(svg);
  $('pr-section').hidden = !data.prCurve;
  if (!data.prCurve) return;
  const left = 50, top = 10, width = 410, height = 180;
  const pr = data.prCurve;
  // Precision of a rare class stays low: scale the axis to the curve (rounded up to 0.1), not to 1.
  const yMax = Math.min(1, Math.ceil(Math.max.apply(null, pr.precision.concat([0.1])) * 10) / 10);
  axes(svg, left, top, width, height, 'recall', 'precision', yMax);
  const y = (p) => top + height - (p / yMax) * height;
  const points = pr.recall.map((r, i) => (left + r * width) + ',' + y(pr.precision[i])).join(' ');
  svg.appendChild(el('polyline', { id: 'pr-line', points: points, fill: 'none', stroke: '#d64545', 'stroke-width': 2 }));
  const baseRate = data.model.testPositives / data.model.testRows;
  svg.appendChild(el('line', { x1: left, x2: left + width, y1: y(baseRate), y2: y(baseRate), stroke: '#999', 'stroke-dasharray': '3 3' }));
  svg.appendChild(el('text', { x: left + width - 4, y: y(baseRate) + 12, 'text-anchor': 'end', 'font-size': 10 }, 'base rate ' + fmt(baseRate, 3)));
  const op = pr.operatingPoint;
  svg.appendChild(el('circle', { id: 'operating-point', cx: left + op.recall * width, cy: y(op.precision), r: 5, fill: '#111' }));
  svg.appendChild(el('text', { x: left + op.recall * width + 8, y: y(op.precision) - 6, 'font-size': 10 }, 'threshold: P ' + fmt(op.precision, 2) + ', R ' + fmt(op.recall, 2)));
}

function drawDrift(data) {
  const svg = $('drift-chart');
  clear(svg);
  const left = 170, top = 8, width = 280, row = 20;
  const drift = data.drift;
  const ready = drift.filter((d) => d.psi !== null);
  $('drift-note').textContent = ready.length === 0
    ? 'Waiting for traffic: PSI needs at least ' + data.driftMinimum + ' recent transactions (' + (drift[0] ? drift[0].count : 0) + ' so far).'
    : 'Over the last ' + drift[0].count + ' transactions. < 0.1 stable, 0.1–0.25 moderate, > 0.25 large shift; grey: within twice the PSI sampling alone gives (black tick).';
  const max = Math.min(1, Math.max.apply(null, ready.map((d) => d.psi).concat([0.3])));
  for (const mark of [0.1, 0.25]) {
    const x = left + (mark / max) * width;
    svg.appendChild(el('line', { x1: x, x2: x, y1: top, y2: top + drift.length * row, stroke: '#bbb', 'stroke-dasharray': '3 3' }));
  }
  drift.forEach((d, i) => {
    const y = top + i * row;
    svg.appendChild(el('text', { x: left - 6, y: y + 13, 'text-anchor': 'end', 'font-size': 11 }, d.feature));
    if (d.psi === null) return;
    const colour = d.psi <= 2 * d.noise ? '#c4c9cf' : d.psi > 0.25 ? '#d64545' : d.psi > 0.1 ? '#e3a008' : '#2da44e';
    const barWidth = Math.max(1, (Math.min(d.psi, max) / max) * width);
    svg.appendChild(el('rect', { class: 'drift-bar', 'data-feature': d.feature, x: left, y: y + 3, width: barWidth, height: row - 6, fill: colour }));
    const noiseX = left + (Math.min(d.noise, max) / max) * width;
    svg.appendChild(el('line', { class: 'drift-noise', x1: noiseX, x2: noiseX, y1: y + 1, y2: y + row - 1, stroke: '#111', 'stroke-width': 2 }));
    svg.appendChild(el('text', { x: Math.min(left + barWidth + 4, 440), y: y + 13, 'font-size': 10 }, fmt(d.psi, 3)));
  });
}

function drawAlerts(data) {
  const body = $('alerts');
  clear(body);
  $('alert-count').textContent = '(' + data.totals.alerts + ' of ' + data.totals.scored + ' scored)';
  for (const alert of data.alerts) {
    const tr = document.createElement('tr');
    [alert.time.slice(11, 19), alert.id === undefined ? '' : String(alert.id), fmt(alert.score, 3), alert.anomalyScore === undefined ? '–' : fmt(alert.anomalyScore, 3), alert.explanation].forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 3) td.className = 'anomaly';
      if (i === 4) td.className = 'explanation';
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
}

async function refresh() {
  try {
    const response = await fetch('/api/summary', { headers: apiKey ? { authorization: 'Bearer ' + apiKey } : {} });
    if (response.status === 401) {
      $('key-form').hidden = false;
      throw new Error('This service needs its API key.');
    }
    if (!response.ok) throw new Error('GET /api/summary answered ' + response.status);
    const data = await response.json();
    const m = data.model;
    $('model-info').textContent = m.description.charAt(0).toUpperCase() + m.description.slice(1)
      + (m.trainedAt ? ' trained ' + m.trainedAt.slice(0, 16).replace('T', ' ') + ' UTC' : ' (imported)')
      + (m.rocAuc === null ? '' : ' · test ROC-AUC ' + fmt(m.rocAuc, 3) + ' · AUPRC ' + fmt(m.averagePrecision, 3))
      + ' · review threshold ' + fmt(m.threshold, 3) + ' (' + m.rule + ')';
    $('anomaly-info').textContent = !data.anomaly ? 'No anomaly column: an imported model is served without an isolation forest.'
      : 'Anomaly column: isolation forest trained without labels, (0, 1], higher = more unusual than the training loans (their 90th percentile '
      + fmt(data.anomaly.trainingQuantiles.p90, 3) + ', 99th ' + fmt(data.anomaly.trainingQuantiles.p99, 3) + '). Not a fraud probability and not used in the decision; alone it ranks bad test loans with ROC-AUC '
      + fmt(data.anomaly.rocAuc, 3) + '.';
    drawScores(data);
    drawPr(data);
    drawDrift(data);
    drawAlerts(data);
    $('error').textContent = '';
    document.body.dataset.loaded = 'true';
  } catch (error) {
    $('error').textContent = String(error.message || error);
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;
