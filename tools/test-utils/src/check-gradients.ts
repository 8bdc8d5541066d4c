import * as tf from '@tensorflow/tfjs-core';

export interface GradientCheckOptions {
  /** Finite-difference step. float32 arithmetic makes 1e-3..1e-2 the useful range. Default 1e-2. */
  epsilon?: number;
  /** Relative tolerance between analytic and numeric gradients. Default 2e-2. */
  rtol?: number;
  /** Absolute tolerance. Default 2e-3. */
  atol?: number;
  /** Check at most this many elements per input, picked with a fixed seed. Default 64. */
  maxElementsPerInput?: number;
  /** Seed for the element sample. Default 0. */
  seed?: number;
}

export interface GradientMismatch {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradientCheckResult {
  checked: number;
  maxAbsError: number;
  mismatches: GradientMismatch[];
}

function sampleIndices(size: number, count: number, seed: number): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i);
  // Small LCG: deterministic and independent of Math.random.
  let state = (seed * 2654435761 + 1) >>> 0;
  const picked = new Set<number>();
  while (picked.size < count) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    picked.add(state % size);
  }
  return [...picked].sort((a, b) => a - b);
}

function evaluate(f: (...xs: tf.Tensor[]) => tf.Scalar | tf.Tensor, xs: tf.Tensor[]): number {
  return tf.tidy(() => {
    const y = f(...xs);
    if (y.size !== 1) throw new Error(`checkGradients needs a scalar function. Received shape [${y.shape.join(', ')}].`);
    return y.dataSync()[0] as number;
  });
}

/**
 * Compares `tf.grads(f)` with central finite differences
 * `(f(x + h) - f(x - h)) / 2h` on a seeded sample of elements of every input.
 * Returns the comparison; throws when any sampled element differs by more than
 * `atol + rtol * |numeric|`.
 *
 * @example
 * checkGradients((x) => tf.sum(tf.square(x)), [tf.tensor1d([1, 2])]);
 */
export function checkGradients(
  f: (...xs: tf.Tensor[]) => tf.Scalar | tf.Tensor,
  inputs: tf.Tensor[],
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const { epsilon = 1e-2, rtol = 2e-2, atol = 2e-3, maxElementsPerInput = 64, seed = 0 } = options;
  const analytic = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => f(...xs) as tf.Scalar)(inputs)).map((g) => {
    const values = Float64Array.from(g.dataSync());
    g.dispose();
    return values;
  });

  const mismatches: GradientMismatch[] = [];
  let checked = 0;
  let maxAbsError = 0;
  inputs.forEach((input, inputIndex) => {
    const base = Float32Array.from(input.dataSync());
    for (const index of sampleIndices(base.length, maxElementsPerInput, seed + inputIndex)) {
      const shifted = (delta: number): number => {
        const values = base.slice();
        values[index] = (values[index] as number) + delta;
        const moved = tf.tensor(values, input.shape, 'float32');
        const xs = inputs.map((x, k) => (k === inputIndex ? moved : x));
        const value = evaluate(f, xs);
        moved.dispose();
        return value;
      };
      const numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
      const exact = analytic[inputIndex]?.[index] as number;
      const error = Math.abs(exact - numeric);
      maxAbsError = Math.max(maxAbsError, error);
      checked++;
      if (!(error <= atol + rtol * Math.abs(numeric))) {
        mismatches.push({ input: inputIndex, index, analytic: exact, numeric });
      }
    }
  });

  if (mismatches.length > 0) {
    const first = mismatches[0] as GradientMismatch;
    throw new Error(
      `Gradient check failed for ${mismatches.length} of ${checked} elements (epsilon=${epsilon}, rtol=${rtol}, atol=${atol}). ` +
        `First: input ${first.input}, flat index ${first.index}: analytic ${first.analytic}, numeric ${first.numeric}.`,
    );
  }
  return { checked, maxAbsError, mismatches };
}
