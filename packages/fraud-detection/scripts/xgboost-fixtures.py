#!/usr/bin/python3
"""Writes the XGBoost fixtures of @loom-ml/fraud-detection's XGBoostModel tests.

Needs Debian's XGBoost 1.7 and NumPy (CI needs neither: the files it writes are committed):

    apt-get install python3-xgboost python3-numpy
    pnpm --filter @loom-ml/fraud-detection run fixtures:xgboost   # /usr/bin/python3 scripts/xgboost-fixtures.py

For every case it trains a small booster on seeded synthetic data with missing values (NaN),
saves it with XGBoost's own `save_model('<case>.json')` (the file users have), and writes
`<case>.expected.json`: the test rows (null where a value is missing), XGBoost's margins
(`output_margin=True`) and predictions, each float32 value printed exactly.
"""
import json
import os
import sys

import numpy as np
import xgboost as xgb

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'xgboost')


def data(seed, rows, features, missing=0.15):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features)).astype(np.float32)
    # Some features on other scales and with ties, as real tables have.
    x[:, 0] = np.round(x[:, 0] * 3)
    x[:, 1] = x[:, 1] * 1000 + 5000
    mask = rng.random(size=x.shape) < missing
    x_missing = x.copy()
    x_missing[mask] = np.nan
    return rng, x, x_missing


def cases():
    rng, x, xm = data(1, 600, 8)
    logit = 1.5 * x[:, 0] / 3 - 0.002 * (x[:, 1] - 5000) + x[:, 2] * x[:, 3] - 0.5
    y = (rng.random(600) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    yield 'binary-logistic', {'objective': 'binary:logistic', 'max_depth': 4, 'eta': 0.3, 'base_score': 0.3, 'seed': 1}, 25, xm, y

    rng, x, xm = data(2, 600, 6)
    y = (3 * np.sin(x[:, 0]) + 0.01 * (x[:, 1] - 5000) + x[:, 2] ** 2 + rng.normal(scale=0.3, size=600) + 40).astype(np.float32)
    yield 'reg-squarederror', {'objective': 'reg:squarederror', 'max_depth': 5, 'eta': 0.2, 'base_score': 38.5, 'subsample': 0.8, 'seed': 2}, 30, xm, y

    rng, x, xm = data(3, 600, 5, missing=0.3)
    logit = x[:, 2] - x[:, 4]
    y = (rng.random(600) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    yield 'binary-logitraw', {'objective': 'binary:logitraw', 'max_depth': 3, 'eta': 0.5, 'seed': 3}, 10, xm, y

    rng, x, xm = data(4, 600, 6)
    y = rng.poisson(np.exp(0.5 * x[:, 2] + 0.3 * (x[:, 0] > 0))).astype(np.float32)
    yield 'count-poisson', {'objective': 'count:poisson', 'max_depth': 3, 'eta': 0.3, 'seed': 4}, 20, xm, y

    rng, x, xm = data(5, 600, 6)
    y = (np.argmax(np.stack([x[:, 2], x[:, 3], 0.5 * x[:, 0] / 3]), axis=0)).astype(np.float32)
    yield 'multi-softprob', {'objective': 'multi:softprob', 'num_class': 3, 'max_depth': 3, 'eta': 0.3, 'seed': 5}, 8, xm, y

    rng, x, xm = data(6, 600, 6)
    y = (x[:, 2] + x[:, 3] > 0).astype(np.float32)
    # A random forest in XGBoost (XGBRFClassifier's settings): 4 parallel trees per round.
    yield 'forest-logistic', {'objective': 'binary:logistic', 'num_parallel_tree': 4, 'subsample': 0.8, 'colsample_bynode': 0.8, 'eta': 1, 'max_depth': 4, 'seed': 6}, 2, xm, y


    # The other objectives XGBoostModel reads, each a few rounds on data made for it.
    rng, x, xm = data(7, 600, 5)
    y = (rng.random(600) < 1 / (1 + np.exp(-(x[:, 2] - x[:, 3])))).astype(np.float32)
    yield 'reg-logistic', {'objective': 'reg:logistic', 'max_depth': 3, 'eta': 0.3, 'base_score': 0.2, 'seed': 7}, 6, xm, y

    rng, x, xm = data(8, 600, 5)
    positive = np.exp(0.4 * x[:, 2] + 0.2 * x[:, 3] + 1)
    yield 'reg-gamma', {'objective': 'reg:gamma', 'max_depth': 3, 'eta': 0.3, 'base_score': 2.0, 'seed': 8}, 6, xm, (positive * rng.gamma(5, 0.2, 600)).astype(np.float32)
    yield 'reg-tweedie', {'objective': 'reg:tweedie', 'tweedie_variance_power': 1.3, 'max_depth': 3, 'eta': 0.3, 'seed': 9}, 6, xm, (positive * (rng.random(600) < 0.7)).astype(np.float32)

    rng, x, xm = data(10, 600, 5)
    y = (np.argmax(np.stack([x[:, 2], x[:, 3], x[:, 4], 0.2 * np.ones(600)]), axis=0)).astype(np.float32)
    yield 'multi-softmax', {'objective': 'multi:softmax', 'num_class': 4, 'max_depth': 3, 'eta': 0.3, 'seed': 10}, 4, xm, y

    rng, x, xm = data(11, 600, 5)
    y = (x[:, 2] * 2 + rng.standard_cauchy(600) * 0.1).astype(np.float32)
    yield 'reg-pseudohubererror', {'objective': 'reg:pseudohubererror', 'huber_slope': 1.0, 'max_depth': 3, 'eta': 0.3, 'base_score': 0.1, 'seed': 11}, 6, xm, y


def exact(values):
    # float32 → Python float is exact; repr prints the shortest text that reads back the same double.
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, params, rounds, x, y in cases():
        train, test = x[:500], x[500:]
        booster = xgb.train(params, xgb.DMatrix(train, label=y[:500], missing=np.nan), num_boost_round=rounds)
        model_path = os.path.join(OUT, f'{name}.json')
        booster.save_model(model_path)
        matrix = xgb.DMatrix(test, missing=np.nan)
        expected = {
            'generatedBy': f'scripts/xgboost-fixtures.py with xgboost {xgb.__version__}, numpy {np.__version__}',
            'objective': params['objective'],
            'rows': [[None if np.isnan(v) else float(v) for v in row] for row in test],
            'margins': exact(booster.predict(matrix, output_margin=True)),
            'predictions': exact(booster.predict(matrix)),
        }
        with open(os.path.join(OUT, f'{name}.expected.json'), 'w') as f:
            json.dump(expected, f, separators=(',', ':'))
            f.write('\n')
        print(f'{name}: {rounds} rounds, {os.path.getsize(model_path)} bytes')


if __name__ == '__main__':
    sys.exit(main())
