import * as tf from '@tensorflow/tfjs-core';

const counters = new Map<string, number>();

/** `dense_1`, `dense_2`, ...: readable names that are unique within this process. */
export function uniqueLayerName(prefix: string): string {
  const next = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, next);
  return `${prefix}_${next}`;
}

/**
 * tfjs-core refuses two live variables with one name (a model loaded twice, say), so the
 * variable gets a numbered suffix when its natural name `layer/weight` is taken. The natural
 * name is what save/load and `summary()` use.
 */
export function uniqueVariableName(path: string): string {
  const registered = tf.engine().registeredVariables;
  if (!(path in registered)) return path;
  let k = 1;
  while (`${path}_${k}` in registered) k++;
  return `${path}_${k}`;
}
