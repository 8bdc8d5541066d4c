import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public API', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CallbackList', 'History', 'LoomError', 'TrainError', 'createCheckpoint', 'earlyStopping', 'evaluate', 'fit',
        'formatDuration', 'historyToCsv', 'historyToSvg', 'predict', 'progressBar', 'reportMetricToOptimizer',
        'restoreCheckpoint', 'seededRandom', 'showsProgress', 'shuffledIndices', 'terminateOnNaN', 'magnitudePruning', 'polynomialDecaySparsity', 'constantSparsity',
      ].sort(),
    );
  });

  it('./node exports exactly the file-writing callbacks and checkpoint files', async () => {
    const node = await import('./node.js');
    expect(Object.keys(node).sort()).toEqual(['checkpoint', 'csvLogger', 'jsonLogger', 'listCheckpoints', 'loadCheckpoint', 'writeHistoryPlot']);
  });
});
