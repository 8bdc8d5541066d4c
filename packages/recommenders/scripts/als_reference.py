#!/usr/bin/env python3
"""Independent NumPy/SciPy reference for Loom's ImplicitAls on MovieLens latest-small.

A reference script, never a test. It re-implements the algorithm of `implicit`'s
AlternatingLeastSquares (Hu, Koren & Volinsky 2008: preference p = 1 for every stored cell,
confidence c; Takacs, Pilaszy & Tikk 2011: a few warm-started conjugate-gradient steps per row
instead of an exact solve; implicit's defaults: 3 CG steps, factors initialised uniformly in
[0, 0.01), users solved first, then items, 15 iterations), because the `implicit` library
itself cannot be installed here (no pip, no internet; Debian has no python3-implicit). It is
NOT the library: it is the same algorithm written independently of Loom's TypeScript, vectorised
over all rows at once with sparse matrix products, in float64, with NumPy's random generator.

It reads the exact split Loom's report trained and evaluated on:

    node scripts/movielens-report.mjs --export-split /tmp/loom-movielens-split
    python3 scripts/als_reference.py /tmp/loom-movielens-split

(`train.csv` and `test.csv` hold dense user,item indices; `loom-als.json` the ALS settings and
Loom's metrics), trains with the same factors, alpha, regularisation and iterations, evaluates
P@10 and NDCG@10 with training items excluded (the definitions of Loom's evaluateRecommender:
P@k = hits / k, NDCG@k = DCG / ideal DCG over min(k, test items), binary gains, ties to the
lower item index) and prints both side by side.

Confidence: Loom uses Hu et al.'s c = 1 + alpha * r. implicit >= 0.5 scales the matrix it is
given by alpha and treats the result itself as the confidence (c = alpha * r). Both are run:
`hu` (same objective as Loom, the like-for-like check) and `implicit` (implicit's convention with
the same alpha, for reference).
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sparse


def read_pairs(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2] if data.shape[1] > 2 else np.ones(len(data))


def cg_half_step(confidence, solve_for, fixed, regularization, cg_steps):
    """Updates every row of `solve_for` in place: a few CG steps on
    (Y'Y + reg I + sum_i (c_i - 1) y_i y_i') x = sum_i c_i y_i, warm-started from the current x,
    for all rows at once. Rows whose residual is already ~0 stop, as in a per-row loop."""
    factors = fixed.shape[1]
    gram = fixed.T @ fixed + regularization * np.eye(factors)
    coo = confidence.tocoo()
    rows, cols, c = coo.row, coo.col, coo.data
    shape = confidence.shape

    def a_times(p):
        # A p per row = p Y'Y + sum over the row's stored items of (c - 1)(y_i . p) y_i.
        along = np.einsum("ij,ij->i", fixed[cols], p[rows])
        correction = sparse.csr_matrix(((c - 1.0) * along, (rows, cols)), shape=shape) @ fixed
        return p @ gram + correction

    x = solve_for
    # r = b - A x, with b = sum_i c_i y_i.
    b = sparse.csr_matrix((c, (rows, cols)), shape=shape) @ fixed
    r = b - a_times(x)
    p = r.copy()
    rs_old = np.einsum("ij,ij->i", r, r)
    active = rs_old >= 1e-20
    for _ in range(cg_steps):
        if not active.any():
            break
        ap = a_times(p)
        denominator = np.einsum("ij,ij->i", p, ap)
        alpha = np.where(active, rs_old / np.where(denominator == 0, 1, denominator), 0.0)
        x += alpha[:, None] * p
        r -= alpha[:, None] * ap
        rs_new = np.einsum("ij,ij->i", r, r)
        still = active & (rs_new >= 1e-20)
        beta = np.where(still, rs_new / np.where(rs_old == 0, 1, rs_old), 0.0)
        p = np.where(still[:, None], r + beta[:, None] * p, p)
        rs_old = np.where(still, rs_new, rs_old)
        active = still
    return x


def train_als(user_items, factors, alpha, regularization, iterations, convention, seed):
    users, items = user_items.shape
    values = user_items.data
    confidence_values = 1.0 + alpha * values if convention == "hu" else alpha * values
    confidence = sparse.csr_matrix((confidence_values, user_items.indices, user_items.indptr), shape=user_items.shape)
    confidence_t = confidence.T.tocsr()
    random = np.random.default_rng(seed)
    user_factors = random.random((users, factors)) * 0.01
    item_factors = random.random((items, factors)) * 0.01
    for _ in range(iterations):
        cg_half_step(confidence, user_factors, item_factors, regularization, 3)
        cg_half_step(confidence_t, item_factors, user_factors, regularization, 3)
    return user_factors, item_factors


def evaluate(user_factors, item_factors, train, test, k):
    precision = ndcg = 0.0
    evaluated = 0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for user in range(test.shape[0]):
        relevant = test.indices[test.indptr[user]:test.indptr[user + 1]]
        if len(relevant) == 0:
            continue
        scores = item_factors @ user_factors[user]
        scores[train.indices[train.indptr[user]:train.indptr[user + 1]]] = -np.inf
        # Stable sort on -score: ties go to the lower item index, as Loom's selectTopK.
        top = np.argsort(-scores, kind="stable")[:k]
        hits = np.isin(top, relevant)
        precision += hits.sum() / k
        ideal = discounts[: min(k, len(relevant))].sum()
        ndcg += (hits * discounts[: len(top)]).sum() / ideal
        evaluated += 1
    return precision / evaluated, ndcg / evaluated, evaluated


def main():
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/loom-movielens-split")
    loom = json.loads((directory / "loom-als.json").read_text())
    users, items = loom["users"], loom["items"]
    train_users, train_items, train_values = read_pairs(directory / "train.csv")
    test_users, test_items, _ = read_pairs(directory / "test.csv")
    train = sparse.csr_matrix((train_values, (train_users, train_items)), shape=(users, items))
    test = sparse.csr_matrix((np.ones(len(test_users)), (test_users, test_items)), shape=(users, items))
    config = loom["config"]
    k = loom["k"]
    print(f"Split from {directory}: {users} users x {items} items, train nnz {train.nnz}, test nnz {test.nnz}.")
    print(f"ALS settings (Loom's, chosen on its validation split): {json.dumps(config)}, {loom['epochs']} iterations, 3 CG steps.")
    rows = [("Loom ImplicitAls (TypeScript, cg)", loom["precision"], loom["ndcg"], loom["seconds"])]
    for convention in ("hu", "implicit"):
        start = time.perf_counter()
        user_factors, item_factors = train_als(train, config["factors"], config["alpha"], config["regularization"], loom["epochs"], convention, seed=1)
        seconds = time.perf_counter() - start
        precision, ndcg, evaluated = evaluate(user_factors, item_factors, train, test, k)
        label = "reference, c = 1 + alpha*r (Loom's)" if convention == "hu" else "reference, c = alpha*r (implicit's)"
        rows.append((f"NumPy {label}", precision, ndcg, seconds))
    print()
    print(f"{'model':<46}  {'P@' + str(k):>7}  {'NDCG@' + str(k):>8}  {'fit s':>6}")
    for name, precision, ndcg, seconds in rows:
        print(f"{name:<46}  {precision:7.4f}  {ndcg:8.4f}  {seconds:6.2f}")
    reference_ndcg = rows[1][2]
    print(f"\nLoom NDCG@{k} / reference (same confidence) = {loom['ndcg'] / reference_ndcg:.3f}; "
          f"relative difference {abs(loom['ndcg'] - reference_ndcg) / reference_ndcg * 100:.1f}% (target: within 10%). "
          f"Evaluated users: {evaluated} (Loom: {loom['evaluatedUsers']}).")


if __name__ == "__main__":
    main()
