import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, OptState, Params } from '../src/types.js';
import { collectTensors } from '../src/tree.js';

/** Runs `transform` on a sequence of gradients; returns each step's updates as plain arrays. */
export function runUpdates(
  transform: GradientTransformation,
  params: Record<string, number[] | number[][]>,
  gradSequence: Record<string, number[] | number[][]>[],
): Record<string, number[]>[] {
  const p: Params = {};
  for (const [k, v] of Object.entries(params)) p[k] = tf.tensor(v as number[]);
  let state: OptState = transform.init(p);
  const out: Record<string, number[]>[] = [];
  for (const grads of gradSequence) {
    const g: Params = {};
    for (const [k, v] of Object.entries(grads)) g[k] = tf.tensor(v as number[]);
    const result = transform.update(g, state, p);
    tf.dispose(collectTensors(state));
    state = result.state;
    const values: Record<string, number[]> = {};
    for (const [k, u] of Object.entries(result.updates)) values[k] = Array.from(u.dataSync());
    tf.dispose(Object.values(result.updates));
    tf.dispose(Object.values(g));
    // Parameters move as the caller would move them: params + updates.
    for (const k of Object.keys(p)) {
      const next = tf.tensor(Array.from((p[k] as tf.Tensor).dataSync()).map((x, i) => x + (values[k]?.[i] ?? 0)), (p[k] as tf.Tensor).shape);
      (p[k] as tf.Tensor).dispose();
      p[k] = next;
    }
    out.push(values);
  }
  tf.dispose(collectTensors(state));
  tf.dispose(Object.values(p));
  return out;
}

/** Asserts two flat arrays agree within `atol + rtol * |expected|`, with a readable message. */
export function expectClose(received: number[] | undefined, expected: number[], atol = 1e-6, rtol = 1e-5): void {
  if (!received || received.length !== expected.length) {
    throw new Error(`Length mismatch: expected ${expected.length} values, received ${received?.length}.`);
  }
  expected.forEach((e, i) => {
    const r = received[i] as number;
    if (!(Math.abs(r - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`Value ${i}: expected ${e}, received ${r} (atol ${atol}, rtol ${rtol}). All: [${received.join(', ')}]`);
    }
  });
}
