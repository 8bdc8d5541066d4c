import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as nodeApi from './node.js';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'FraudError', 'GradientBoostedTrees', 'IsolationForest', 'IsotonicCalibrator', 'LogisticRegression', 'LoomError', 'PlattScaling',
        'TabularEncoder', 'averagePathLength', 'averagePrecision', 'balancedClassWeights', 'ksStatistic',
        'populationStabilityIndex', 'precisionAtK', 'precisionInTopK', 'randomResample', 'precisionRecallCurve', 'recallAtFalsePositiveRate', 'rocAuc',
        'rocCurve', 'smote', 'thresholdByCost', 'thresholdForPrecision', 'thresholdForRecall',
        'explainByPerturbation', 'formatAttributions', 'tabularBaseline', 'integratedGradients', 'attributionsByColumn',
        'BalancedBatchSampler', 'MlpClassifier', 'AutoencoderDetector', 'rankAverage', 'minMaxAverage', 'StackingClassifier', 'outOfFoldScores', 'stratifiedFolds',
        'serializeFraudModel', 'deserializeFraudModel', 'saveFraudModel', 'loadFraudModel', 'XGBoostModel', 'XGBOOST_OBJECTIVES',
      ].sort(),
    );
  });

  it('exports only file save/load from the Node entry', () => {
    expect(Object.keys(nodeApi).sort()).toEqual(['loadFraudModel', 'readXGBoostModel', 'saveFraudModel']);
  });

  it('errors carry the cross-package Loom marker', () => {
    try {
      api.balancedClassWeights([]);
    } catch (error) {
      expect(api.LoomError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(api.FraudError);
      return;
    }
    throw new Error('expected balancedClassWeights([]) to throw');
  });
});
