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
