import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public API', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CallbackList', 'History', 'LoomError', 'TrainError', 'atomicWriteFile', 'checkpoint', 'createCheckpoint', 'csvLogger',
        'earlyStopping', 'evaluate', 'fit', 'formatDuration', 'historyToCsv', 'historyToSvg', 'jsonLogger', 'listCheckpoints',
        'loadCheckpoint', 'predict', 'progressBar', 'reportMetricToOptimizer', 'restoreCheckpoint', 'seededRandom',
        'shuffledIndices', 'terminateOnNaN', 'writeHistoryPlot',
      ].sort(),
    );
  });
});
