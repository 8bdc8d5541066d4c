import * as tf from '@tensorflow/tfjs-core';

function assertFlat(before: number, label: string): void {
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `${label} leaked ${after - before} tensor(s): tf.memory().numTensors was ${before} before and ${after} after.`,
    );
  }
}

/**
 * Runs `fn` and asserts `tf.memory().numTensors` is the same afterwards.
 * Works with sync and async functions; returns what `fn` returns (which must not be a
 * tensor created inside, or that tensor counts as a leak).
 *
 * @example
 * await expectNoLeakedTensors(async () => { await model.fit(xs, ys); });
 */
export function expectNoLeakedTensors<T>(fn: () => T, label = 'The function'): T {
  const before = tf.memory().numTensors;
  const result = fn();
  if (result instanceof Promise) {
    return result.then((value: unknown) => {
      assertFlat(before, label);
      return value;
    }) as T;
  }
  assertFlat(before, label);
  return result;
}
