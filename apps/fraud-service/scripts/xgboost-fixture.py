#!/usr/bin/python3
"""Writes the XGBoost fixture of `pnpm serve --model xgboost.json --encoder encoder.json`.

Needs Debian's XGBoost 1.7 and NumPy (CI needs neither: the files it writes are committed):

    apt-get install python3-xgboost python3-numpy
    /usr/bin/python3 apps/fraud-service/scripts/xgboost-fixture.py

It does what a user of the service does to serve a model trained by XGBoost: encode the loans
the way Loom's TabularEncoder does (standardised numerics with a missing flag, one-hot
categories with an out-of-vocabulary slot), train an XGBoost booster on those columns, and save
the booster with XGBoost's own `save_model` next to the encoder file (the format `pnpm start`
writes as encoder.json: the fitted encoder, the training median/mode row for explanations and
the training distributions for drift). Here the encoder is fitted in Python by the encoder's
own formulas, so the test also checks that Loom encodes a raw loan into exactly the columns
XGBoost saw. Output in test/fixtures/xgboost/:

- xgboost.json: the booster (binary:logistic, 30 rounds, depth 3), as XGBoost 1.7 saves it;
- encoder.json: format 'loom-fraud-service/encoder';
- expected.json: 40 raw held-out loans (null where a value is missing) with XGBoost's
  predictions (`booster.predict`) and margins (`output_margin=True`), float32 printed exactly.
"""
import csv
import gzip
import json
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', '..', 'packages', 'datasets', 'data', 'lending_club.csv.gz')
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'xgboost')

# apps/fraud-service/src/lending-club.ts's LOAN_SCHEMA.
NUMERIC = ['funded_amnt', 'int_rate', 'annual_inc', 'delinq_2yrs', 'inq_last_6mths', 'revol_util', 'acc_now_delinq', 'open_il_6m', 'open_il_12m',
           'open_il_24m', 'total_bal_il', 'all_util', 'inq_fi', 'inq_last_12m', 'delinq_amnt', 'num_il_tl', 'total_il_high_credit_limit']
CATEGORICAL = ['term', 'sub_grade', 'addr_state', 'verification_status', 'emp_length']


def read_loans():
    with gzip.open(DATA, 'rt', newline='') as f:
        rows = list(csv.DictReader(f))
    loans = []
    for row in rows:
        loan = {c: (None if row[c] == '' else float(row[c])) for c in NUMERIC}
        loan.update({c: row[c] for c in CATEGORICAL})
        loans.append(loan)
    return loans, np.array([1.0 if row['Class'] == 'bad' else 0.0 for row in rows], dtype=np.float32)


def fit_encoder(rows):
    """TabularEncoder.fit: population mean and std (1 when 0), sorted categories."""
    numeric = {}
    for c in NUMERIC:
        values = [r[c] for r in rows if r[c] is not None]
        mean = sum(values) / len(values)
        std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
        numeric[c] = {'mean': mean, 'std': std, 'sawMissing': len(values) < len(rows)}
    categories = {c: sorted({r[c] for r in rows}) for c in CATEGORICAL}
    return {'format': 'loom-ml/tabular-encoder', 'version': 1, 'schema': {'numeric': NUMERIC, 'categorical': CATEGORICAL}, 'numeric': numeric, 'categories': categories}


def transform(encoder, rows):
    """TabularEncoder.transform: missing -> 0 and a missing flag of 1; unknown category -> the <other> slot."""
    out = []
    for r in rows:
        x = []
        for c in NUMERIC:
            s = encoder['numeric'][c]
            x.append(0.0 if r[c] is None else (r[c] - s['mean']) / s['std'])
            if s['sawMissing']:
                x.append(1.0 if r[c] is None else 0.0)
        for c in CATEGORICAL:
            known = encoder['categories'][c]
            x.extend(1.0 if r[c] == k else 0.0 for k in known)
            x.append(0.0 if r[c] in known else 1.0)
        out.append(x)
    return np.array(out, dtype=np.float64)


def baseline(rows):
    """tabularBaseline: numeric medians (missing ignored), most frequent category (ties: alphabetically first)."""
    row = {}
    for c in NUMERIC:
        row[c] = float(np.median([r[c] for r in rows if r[c] is not None]))
    for c in CATEGORICAL:
        counts = {}
        for r in rows:
            counts[r[c]] = counts.get(r[c], 0) + 1
        row[c] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return row


def reference(rows):
    """The training distributions the service's drift check compares traffic with."""
    sample = rows[:500]
    categorical = {}
    for c in CATEGORICAL:
        counts = {}
        for r in rows:
            counts[r[c]] = counts.get(r[c], 0) + 1
        categorical[c] = {k: v / len(rows) for k, v in sorted(counts.items())}
    return {'trainingRows': len(rows), 'numeric': {c: [r[c] for r in sample if r[c] is not None] for c in NUMERIC}, 'categorical': categorical}


def main():
    loans, labels = read_loans()
    order = np.random.default_rng(20).permutation(len(loans))
    train, test = order[:6000], order[6000:]
    train_rows = [loans[i] for i in train]
    encoder = fit_encoder(train_rows)
    x_train = transform(encoder, train_rows)
    booster = xgb.train({'objective': 'binary:logistic', 'max_depth': 3, 'eta': 0.3, 'base_score': 0.05, 'seed': 20}, xgb.DMatrix(x_train, label=labels[train]), 30)

    # Held-out loans, some with values blanked out, as requests would send them.
    rng = np.random.default_rng(21)
    test_rows = []
    for i in test[:40]:
        row = dict(loans[i])
        for c in NUMERIC:
            if rng.random() < 0.1:
                row[c] = None
        test_rows.append(row)
    test_rows[0]['addr_state'] = 'XX'  # a state the training loans never had: the <other> column
    x_test = xgb.DMatrix(transform(encoder, test_rows))
    os.makedirs(OUT, exist_ok=True)
    booster.save_model(os.path.join(OUT, 'xgboost.json'))
    with open(os.path.join(OUT, 'encoder.json'), 'w') as f:
        json.dump({'format': 'loom-fraud-service/encoder', 'encoder': encoder, 'baseline': baseline(train_rows), 'reference': reference(train_rows)}, f)
    expected = {
        'xgboost': xgb.__version__,
        'rows': test_rows,
        'predictions': [float(v) for v in booster.predict(x_test)],
        'margins': [float(v) for v in booster.predict(x_test, output_margin=True)],
        'features': x_train.shape[1],
    }
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    print(f"wrote {OUT}: {x_train.shape[1]} features, {len(test_rows)} test loans, xgboost {xgb.__version__}")


main()
