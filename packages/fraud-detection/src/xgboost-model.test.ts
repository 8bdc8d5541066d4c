// XGBoost JSON import (issue 20, item 5): predictions against XGBoost 1.7.4's own, on fixtures
// written by scripts/xgboost-fixtures.py (committed, so no Python is needed here), and the file
// treated as hostile input.
import { readdirSync, readFileSync } from 'node:fs';
import { LoomError } from '@loom-ml/core';
import { describe, expect, it } from 'vitest';
import { FraudError } from './errors.js';
import { XGBoostModel, XGBOOST_OBJECTIVES } from './xgboost-model.js';

const dir = new URL('../test/fixtures/xgboost/', import.meta.url);
const cases = readdirSync(dir).filter((f) => f.endsWith('.expected.json')).map((f) => f.replace('.expected.json', '')).sort();
const text = (name: string) => readFileSync(new URL(`${name}.json`, dir), 'utf8');
const expected = (name: string) => JSON.parse(readFileSync(new URL(`${name}.expected.json`, dir), 'utf8')) as { objective: string; rows: (number | null)[][]; margins: number[]; predictions: number[] };

/** |a - b| <= 1e-6, relative to |b| past 1 (a float32 regression output of 40 has ulps of 4e-6). */
function expectClose(actual: ArrayLike<number>, wanted: readonly number[], what: string): void {
  expect(actual.length, what).toBe(wanted.length);
  let worst = 0;
  for (let i = 0; i < wanted.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - wanted[i]!) / Math.max(1, Math.abs(wanted[i]!)));
  expect(worst, what).toBeLessThanOrEqual(1e-6);
}

describe('XGBoostModel matches XGBoost 1.7.4', () => {
  it('has a fixture for every objective it reads', () => {
    expect(new Set(cases.map((name) => expected(name).objective))).toEqual(new Set(XGBOOST_OBJECTIVES));
  });

  for (const name of cases) {
    it(`${name}: margins and predictions on 100 rows with missing values, to 1e-6`, () => {
      const fixture = expected(name);
      const model = XGBoostModel.fromJSON(text(name));
      expect(model.objective).toBe(fixture.objective);
      expect(fixture.rows.some((row) => row.includes(null))).toBe(true);
      expectClose(model.predictMargin(fixture.rows), fixture.margins, `${name} margins`);
      expectClose(model.predict(fixture.rows), fixture.predictions, `${name} predictions`);
    });
  }

  it('binary models: predictProba and logOdds; a missing value is NaN, null or undefined alike', () => {
    const fixture = expected('binary-logistic');
    const model = XGBoostModel.fromJSON(JSON.parse(text('binary-logistic')));
    expect(model.baseScore).toBe(0.3);
    expect(model.trees).toBe(25);
    expect(model.features).toBe(8);
    expectClose(model.predictProba(fixture.rows), fixture.predictions, 'probabilities');
    expectClose(model.logOdds(fixture.rows), fixture.margins, 'log-odds');
    const withNaN = fixture.rows.map((row) => row.map((v) => (v === null ? NaN : v)));
    const withUndefined = fixture.rows.map((row) => row.map((v) => (v === null ? undefined : v)));
    expect(Array.from(model.predict(withNaN))).toEqual(Array.from(model.predict(fixture.rows)));
    expect(Array.from(model.predict(withUndefined))).toEqual(Array.from(model.predict(fixture.rows)));
    expect(Array.from(model.predict([Float32Array.from(withNaN[0]!)]))).toEqual([model.predict(fixture.rows)[0]]);
    const logitraw = XGBoostModel.fromJSON(text('binary-logitraw'));
    const raw = expected('binary-logitraw');
    expectClose(logitraw.predictProba(raw.rows), raw.margins.map((m) => Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-m))))), 'logitraw probabilities');
    expect(() => XGBoostModel.fromJSON(text('reg-squarederror')).predictProba([[1, 2, 3, 4, 5, 6]])).toThrow('XGBoostModel.predictProba: the model\'s objective is reg:squarederror; predictProba is for binary:logistic, reg:logistic and binary:logitraw (use predict).');
    expect(() => model.predict([[1, 2, 3]])).toThrow('XGBoostModel.predict: row 0 has 3 features, expected 8.');
    expect(() => model.predict([[1, 2, 3, 4, 5, 6, 7, Infinity]])).toThrow('XGBoostModel.predict: row 0, feature 7 is Infinity; expected a finite number, or NaN / null for a missing value.');
    expect(model.toJSON()).toEqual(JSON.parse(text('binary-logistic')));
  });
});

describe('XGBoostModel.fromJSON refuses hostile files with named errors', () => {
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const base = () => JSON.parse(text('binary-logistic')) as Json;
  const refuses = (edit: (model: Json) => void, message: string | RegExp, options = {}) => {
    const model = base();
    edit(model);
    let error: unknown;
    try {
      XGBoostModel.fromJSON(JSON.stringify(model), options);
    } catch (e) {
      error = e;
    }
    expect(LoomError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  };
  const tree = (m: Json, t = 0) => m.learner.gradient_booster.model.trees[t];

  it('size, nesting and the JSON itself, before parsing', () => {
    expect(() => XGBoostModel.fromJSON(text('binary-logistic'), { maxBytes: 1000 })).toThrow(/more than/);
    expect(() => XGBoostModel.fromJSON(`{"learner":${'['.repeat(40)}${']'.repeat(40)}}`)).toThrow('nests arrays and objects more than 16 deep');
    expect(() => XGBoostModel.fromJSON('{"learner": ')).toThrow('XGBoost model is not valid JSON');
    expect(() => XGBoostModel.fromJSON('[1, 2]')).toThrow("Invalid value for `model` in XGBoostModel.fromJSON. Expected an XGBoost JSON model (booster.save_model('model.json')). Received: [1, 2].");
  });

  it('the learner: version, objective, features, classes, base_score, booster', () => {
    refuses((m) => (m.version = [2, 0, 0]), 'Invalid value for `version` in XGBoostModel.fromJSON. Expected [1, x, y] (a model saved by XGBoost 1.x; tested with 1.7.4, 2.x files are not read yet). Received: [2, 0, 0].');
    refuses((m) => (m.learner.objective.name = 'rank:pairwise'), "Invalid value for `learner.objective.name` in XGBoostModel.fromJSON. Expected one of reg:squarederror, reg:pseudohubererror, reg:logistic, binary:logistic, binary:logitraw, count:poisson, reg:gamma, reg:tweedie, multi:softprob, multi:softmax. Received: 'rank:pairwise'.");
    refuses((m) => (m.learner.learner_model_param.num_feature = 'lots'), "Invalid value for `learner.learner_model_param.num_feature` in XGBoostModel.fromJSON. Expected an integer >= 1 and <= 1000000 (as a number or XGBoost's string form). Received: 'lots'.");
    refuses((m) => (m.learner.learner_model_param.num_feature = '2000000'), 'Expected an integer >= 1 and <= 1000000');
    refuses((m) => (m.learner.learner_model_param.num_feature = '7'), 'Invalid value for `trees[0].split_indices[11]` in XGBoostModel.fromJSON. Expected a feature index from 0 to 6 (learner_model_param.num_feature). Received: 7.');
    refuses((m) => (m.learner.learner_model_param.num_class = '3'), "Invalid value for `learner.learner_model_param.num_class` in XGBoostModel.fromJSON. Expected 0 or 1 for binary:logistic. Received: '3'.");
    refuses((m) => (m.learner.learner_model_param.num_target = '2'), 'Expected 1 (multi-target models are not supported)');
    refuses((m) => (m.learner.learner_model_param.base_score = '1.5'), "Invalid value for `learner.learner_model_param.base_score` in XGBoostModel.fromJSON. Expected a probability in (0, 1) for binary:logistic. Received: '1.5'.");
    refuses((m) => (m.learner.learner_model_param.base_score = 'NaN'), 'Invalid value for `learner.learner_model_param.base_score`');
    refuses((m) => (m.learner.gradient_booster.name = 'dart'), "Invalid value for `learner.gradient_booster.name` in XGBoostModel.fromJSON. Expected 'gbtree' (dart and gblinear boosters are not supported). Received: 'dart'.");
    refuses((m) => delete m.learner.gradient_booster, 'Invalid value for `learner.gradient_booster` in XGBoostModel.fromJSON. Expected an object. Received: null.');
  });

  it('tree counts and groups: declared counts, tree_info, maxTrees, maxNodes (checked before allocating)', () => {
    refuses((m) => (m.learner.gradient_booster.model.gbtree_model_param.num_trees = '26'), "Expected 25 (the trees in the file). Received: '26'.");
    refuses((m) => m.learner.gradient_booster.model.tree_info.pop(), 'Invalid value for `learner.gradient_booster.model.tree_info` in XGBoostModel.fromJSON. Expected an array of 25 output groups (one per tree). Received: \'24 values\'.');
    refuses((m) => (m.learner.gradient_booster.model.tree_info[3] = 1), 'Invalid value for `learner.gradient_booster.model.tree_info[3]` in XGBoostModel.fromJSON. Expected an output group from 0 to 0. Received: 1.');
    refuses(() => {}, "at most 10 trees (the maxTrees limit). Received: '25 trees'.", { maxTrees: 10 });
    refuses(() => {}, 'XGBoostModel.fromJSON: the trees have 523 nodes in all, more than the maxNodes limit of 500 (raise it if you trust the model).', { maxNodes: 500 });
    refuses((m) => (tree(m).tree_param.num_nodes = '100000000'), 'Invalid value for `trees[0].tree_param.num_nodes` in XGBoostModel.fromJSON. Expected an integer >= 1 and <= 16777216');
    refuses((m) => (tree(m).tree_param.size_leaf_vector = '2'), 'Expected 0 (vector leaves are not supported)');
    refuses((m) => (tree(m).left_children = tree(m).left_children.slice(1)), "Invalid value for `trees[0].left_children` in XGBoostModel.fromJSON. Expected an array of 31 values (tree_param.num_nodes). Received: '30 values'.");
  });

  it('child indices in range, no cycles and no shared subtrees, features in range, finite values', () => {
    refuses((m) => (tree(m).left_children[0] = 31), 'Invalid value for `trees[0].left_children[0]` in XGBoostModel.fromJSON. Expected a node index from 1 to 30, or -1 on both sides for a leaf. Received: 31.');
    refuses((m) => (tree(m).right_children[2] = -1), 'Invalid value for `trees[0].right_children[2]` in XGBoostModel.fromJSON. Expected a node index from 1 to 30, or -1 on both sides for a leaf. Received: -1.');
    refuses((m) => (tree(m).left_children[1] = 0), 'Expected a node index from 1 to 30'); // the root as a child: a loop back to the top
    refuses((m) => (tree(m).left_children[1] = 1), 'Invalid value for `trees[0].left_children[1]` in XGBoostModel.fromJSON. Expected a node that is no other node\'s child (node 1 has two parents: the tree would share a subtree or loop). Received: 1.'); // node 1 its own child
    refuses((m) => (tree(m).right_children[5] = 3), 'node 3 has two parents'); // a second path to node 3
    refuses((m) => (tree(m).left_children[1] = 1.5), 'Received: 1.5.');
    refuses((m) => (tree(m).left_children[1] = '3'), "Received: '3'.");
    refuses((m) => (tree(m).split_indices[0] = 8), 'Invalid value for `trees[0].split_indices[0]` in XGBoostModel.fromJSON. Expected a feature index from 0 to 7 (learner_model_param.num_feature). Received: 8.');
    refuses((m) => (tree(m).split_conditions[0] = null), 'Invalid value for `trees[0].split_conditions[0]` in XGBoostModel.fromJSON. Expected a finite split threshold. Received: null.');
    refuses((m) => (tree(m).split_conditions[30] = '1e999'), "Invalid value for `trees[0].split_conditions[30]` in XGBoostModel.fromJSON. Expected a finite leaf value. Received: '1e999'.");
    refuses((m) => (tree(m).default_left[0] = 2), 'Invalid value for `trees[0].default_left[0]` in XGBoostModel.fromJSON. Expected 0 or 1. Received: 2.');
    refuses((m) => (tree(m).split_type[0] = 1), 'Expected 0 (a numerical split; categorical splits are not supported: one-hot encode categories before training). Received: 1.');
  });

  it('a pruned tree (deleted nodes nothing points to) still loads; what is in its deleted nodes is never read', () => {
    const model = base();
    const t = tree(model);
    // Node 29 and 30 are leaves under node 14: make node 14 a leaf of their mean, leaving them unreachable.
    t.left_children[14] = -1;
    t.right_children[14] = -1;
    t.split_conditions[14] = 0.25;
    t.split_indices[29] = 999; // garbage in deleted nodes is never read
    const rows = expected('binary-logistic').rows;
    const pruned = XGBoostModel.fromJSON(model).predictMargin(rows);
    const original = XGBoostModel.fromJSON(base()).predictMargin(rows);
    // Rows that reach node 14 of tree 0 now get 0.25 from it; every other row is unchanged.
    expect(Array.from(pruned).filter((v, i) => v !== original[i]).length).toBeGreaterThan(0);
    expect(Array.from(pruned).filter((v, i) => v === original[i]).length).toBeGreaterThan(0);
  });

  it('fuzz: numbers and strings replaced in the file give a named error or finite predictions (seeded, 400 rounds)', () => {
    let seed = 20;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const source = text('binary-logistic');
    const tokens = [...source.matchAll(/-?\d+(\.\d+)?(E-?\d+)?|"[a-z_:]+"/g)];
    const hostile = ['-1', '0', '31', '1e308', '-2147483648', '2147483647', 'null', '"7"', '[]', '{}', '0.5', '"binary:logistic"'];
    const rows = expected('binary-logistic').rows.slice(0, 5);
    let loaded = 0;
    const started = performance.now();
    for (let round = 0; round < 400; round++) {
      let mutated = source;
      for (let k = 0; k < 1 + Math.floor(next() * 3); k++) {
        const token = tokens[Math.floor(next() * tokens.length)]!;
        mutated = mutated.slice(0, token.index) + hostile[Math.floor(next() * hostile.length)] + mutated.slice(token.index! + token[0].length);
      }
      try {
        const model = XGBoostModel.fromJSON(mutated);
        expect(Array.from(model.predict(rows)).every(Number.isFinite)).toBe(true);
        loaded++;
      } catch (error) {
        if (!LoomError.isInstance(error)) throw error;
      }
    }
    expect(loaded).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('refuses bad limits', () => {
    expect(() => XGBoostModel.fromJSON(text('binary-logistic'), { maxTrees: 0 })).toThrow(FraudError);
  });
});

describe('readXGBoostModel (Node entry)', () => {
  it('reads a model file within maxBytes', async () => {
    const { readXGBoostModel } = await import('./xgboost-files.js');
    const path = new URL('binary-logistic.json', dir).pathname;
    const model = await readXGBoostModel(path);
    expect(model.trees).toBe(25);
    await expect(readXGBoostModel(path, { maxBytes: 100 })).rejects.toThrow(/more than/);
  });
});
