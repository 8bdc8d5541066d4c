import { describe, expect, it } from 'vitest';
import { History, historyToSvg } from './index.js';

function sampleHistory(): History {
  const history = new History();
  history.record(0, { loss: 1, accuracy: 0.5, val_loss: 1.2, val_accuracy: 0.4 });
  history.record(1, { loss: 0.5, accuracy: 0.8, val_loss: Number.NaN, val_accuracy: 0.7 });
  history.record(2, { loss: 0.25, accuracy: 0.9, val_loss: 0.6, val_accuracy: 0.85 });
  return history;
}

describe('history plot', () => {
  it('draws one panel per value with train and validation curves, scaled to the data', () => {
    const svg = historyToSvg(sampleHistory(), { title: 'A <b> run', width: 400, panelHeight: 200 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="436"')).toBe(true);
    expect(svg).toContain('A &lt;b&gt; run');
    expect(svg.match(/<g class="panel"/g)).toHaveLength(2);
    expect(svg).toContain('data-name="loss"');
    expect(svg).toContain('data-name="accuracy"');
    expect(svg).not.toMatch(/<script/);
    // Loss panel: x from 64 to 384 (left 64, right 16), y from 64 (top 36 + 28) to 204 (64 + 200 - 60).
    // Train loss 1 -> top-left, 0.25 -> bottom-right (range 0.25..1.2 shared with validation).
    const trainLoss = /<path class="train" d="([^"]+)"/.exec(svg)![1]!;
    const points = trainLoss.split(/[ML]/).filter(Boolean).map((p) => p.split(',').map(Number));
    expect(points[0]![0]).toBeCloseTo(64, 2);
    expect(points[0]![1]).toBeCloseTo(64 + 140 - ((1 - 0.25) / 0.95) * 140, 2);
    expect(points[2]).toEqual([384, 204]);
    // The NaN validation loss breaks the dashed line: two separate moves, no line to epoch 1.
    const validationLoss = /<path class="validation" d="([^"]+)"/.exec(svg)![1]!;
    expect(validationLoss.match(/M/g)).toHaveLength(2);
    expect(validationLoss).not.toContain('L');
  });

  it('handles an empty history', () => {
    expect(historyToSvg(new History())).toContain('No epochs recorded');
  });
});
