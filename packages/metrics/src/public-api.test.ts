import { describe, expect, it } from 'vitest';
import * as metrics from './index.js';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(metrics).sort()).toEqual(
      [
        'Accuracy', 'BinnedAuc', 'ConfusionMatrix', 'LoomError', 'METRIC_NAMES', 'MeanError', 'MetricError', 'RankingAreaMetric', 'TopKAccuracy',
        'accuracy', 'averagePrecision', 'brierScore', 'catalogueCoverage', 'confusionMatrix', 'correctPerSample', 'expectedCalibrationError',
        'getMetric', 'hitRateAtK', 'logLoss', 'mapAtK', 'meanAbsoluteError', 'meanRankingMetrics', 'meanSquaredError', 'mrr', 'ndcgAtK',
        'precisionAtK', 'precisionRecallCurve', 'precisionRecallF1', 'r2Score', 'rankingMetricsAtK', 'recallAtK', 'rocAuc', 'rocCurve',
        'rootMeanSquaredError', 'topKAccuracy',
      ].sort(),
    );
  });

  it('errors carry the shared Loom marker', () => {
    const error = new metrics.MetricError('x');
    expect(metrics.LoomError.isInstance(error)).toBe(true);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('loom-ml.error')]).toBe(true);
  });
});
