import { describe, expect, it } from 'vitest';
import { MinMaxScaler, StandardScaler } from './scalers.js';
import { DataError } from '../errors.js';

describe('StandardScaler', () => {
  it('matches hand-computed mean and population std (tolerance 1e-6)', () => {
    // column 0: [1,2,3,4] mean 2.5, var 1.25; column 1 constant 7 -> scale 1.
    const scaler = StandardScaler.fit([[1, 7], [2, 7], [3, 7], [4, 7]]);
    expect(scaler.offset).toEqual([2.5, 7]);
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(1.25), 6);
    expect(scaler.scale[1]).toBe(1);
    const [row] = scaler.transform([[4, 7]]);
    expect(row![0]).toBeCloseTo(1.5 / Math.sqrt(1.25), 6);
    expect(row![1]).toBe(0);
  });

  it('round-trips through JSON and gives identical transforms', () => {
    const scaler = StandardScaler.fit([[1, -3], [5, 9], [2, 0]]);
    const restored = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
    expect(restored.transform([[3, 3]])).toEqual(scaler.transform([[3, 3]]));
    const back = restored.inverseTransform(restored.transform([[3, 3]]));
    expect(back[0]![0]).toBeCloseTo(3, 5);
    expect(back[0]![1]).toBeCloseTo(3, 5);
  });

  it('rejects ragged rows and foreign JSON with a clear message', () => {
    expect(() => StandardScaler.fit([[1, 2], [3]])).toThrow(
      'Invalid value for `rows[1]` in StandardScaler.fit. Expected 2 columns like row 0. Received: 1 columns.',
    );
    expect(() => StandardScaler.fromJSON(MinMaxScaler.fit([[1]]).toJSON())).toThrow(DataError);
  });
});

describe('MinMaxScaler', () => {
  it('maps the training range to [0, 1] and round-trips through JSON', () => {
    const scaler = MinMaxScaler.fit([[0, 5], [4, 5], [2, 5]]);
    expect(scaler.transform([[1, 5]])[0]).toEqual(new Float32Array([0.25, 0]));
    const restored = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
    expect(restored.transform([[3, 5]])).toEqual(scaler.transform([[3, 5]]));
  });
});

describe('missing values (issue 18 item 9: the mean of [1, null, 3] is never 1.33)', () => {
  it('refuses null, undefined and NaN by default, naming row and column', () => {
    for (const missing of [null, undefined, Number.NaN]) {
      expect(() => StandardScaler.fit([[1], [missing], [3]])).toThrow(
        `Invalid value for \`rows[1][0]\` in StandardScaler.fit. Expected a finite number (a missing value needs \`impute: 'mean'\`, \`'median'\` or a number when fitting). Received: ${Number.isNaN(missing) ? 'NaN' : String(missing)}.`,
      );
      expect(() => MinMaxScaler.fit([[1], [missing], [3]])).toThrow(/rows\[1\]\[0\]` in MinMaxScaler\.fit/);
    }
    expect(() => StandardScaler.fit([[1], [Infinity]], { impute: 'mean' })).toThrow('Invalid value for `rows[1][0]` in StandardScaler.fit. Expected a finite number. Received: Infinity.');
    const scaler = StandardScaler.fit([[1], [3]]);
    expect(() => scaler.transform([[null]])).toThrow(/`rows\[0\]\[0\]` in standardScaler\.transform/);
  });

  it("impute: 'mean' fits on present values (mean 2, std 1) and fills missing values with the mean", () => {
    const scaler = StandardScaler.fit([[1, 10], [null, 20], [3, Number.NaN]], { impute: 'mean' });
    expect(scaler.offset).toEqual([2, 15]);
    expect(scaler.scale).toEqual([1, 5]);
    expect(scaler.transform([[null, undefined], [3, 25]])).toEqual([new Float32Array([0, 0]), new Float32Array([1, 2])]);
    const restored = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
    expect(restored.transform([[null, 20]])).toEqual(scaler.transform([[null, 20]]));
  });

  it("impute: 'median' or a number; MinMaxScaler likewise; a column with no value is named", () => {
    // Present values of column 0: 1, 2, 10 -> median 2; min 1, max 10.
    const scaler = MinMaxScaler.fit([[1], [null], [2], [10]], { impute: 'median' });
    expect(scaler.transform([[null]])[0]![0]).toBeCloseTo((2 - 1) / 9, 6);
    expect(MinMaxScaler.fit([[0], [null], [4]], { impute: 0 }).transform([[null]])).toEqual([new Float32Array([0])]);
    expect(StandardScaler.fit([[1], [null], [3], [4]], { impute: 'median' }).fill).toEqual([3]);
    expect(() => StandardScaler.fit([[1, null], [2, null]], { impute: 'mean' })).toThrow('column 1 has only missing values');
    expect(() => StandardScaler.fit([[1]], { impute: 'zero' as never })).toThrow("Invalid value for `impute` in StandardScaler.fit. Expected 'mean', 'median' or a finite number. Received: 'zero'.");
  });
});
