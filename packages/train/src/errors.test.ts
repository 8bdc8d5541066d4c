import { describe, expect, it } from 'vitest';
import { LoomError, TrainError } from './index.js';

describe('errors', () => {
  it('TrainError is a LoomError recognised by its marker, also across copies', () => {
    const error = new TrainError('x');
    expect(error).toBeInstanceOf(LoomError);
    expect(error.name).toBe('TrainError');
    expect(LoomError.isInstance(error)).toBe(true);
    const foreign = Object.assign(new Error('y'), { [Symbol.for('loom-ml.error')]: true });
    expect(LoomError.isInstance(foreign)).toBe(true);
    expect(LoomError.isInstance(new Error('z'))).toBe(false);
  });
});
