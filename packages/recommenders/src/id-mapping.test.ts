import { describe, expect, it } from 'vitest';
import { IdMapping } from './id-mapping.js';
import { LoomError } from './errors.js';

describe('IdMapping', () => {
  it('maps ids to dense indices in first-seen order and back', () => {
    const mapping = new IdMapping();
    expect(mapping.add('b')).toBe(0);
    expect(mapping.add(7)).toBe(1);
    expect(mapping.add('b')).toBe(0);
    expect(mapping.add('7')).toBe(2); // '7' and 7 are different ids
    expect(mapping.size).toBe(3);
    expect(mapping.indexOf(7)).toBe(1);
    expect(mapping.indexOf('missing')).toBe(-1);
    expect(mapping.idAt(2)).toBe('7');
  });

  it('round-trips through JSON text', () => {
    const mapping = new IdMapping(['x', 3, 'y']);
    const restored = IdMapping.fromJSON(JSON.parse(JSON.stringify(mapping)));
    expect(restored.toArray()).toEqual(['x', 3, 'y']);
    expect(restored.indexOf(3)).toBe(1);
  });

  it('rejects bad ids and indices', () => {
    const mapping = new IdMapping(['a']);
    expect(() => mapping.idAt(1)).toThrow('Invalid value for `index` in IdMapping.idAt. Expected an integer in [0, 1). Received: 1.');
    expect(() => mapping.add(Number.NaN)).toThrow(LoomError);
    expect(() => IdMapping.fromJSON({ ids: ['a', 'a'] })).toThrow('Expected distinct ids');
  });
});
