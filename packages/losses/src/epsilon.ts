/**
 * Probabilities are clipped to [epsilon, 1 - epsilon] before a log (Keras's value), so a
 * predicted 0 for a true class costs -log(1e-7) ≈ 16.12 instead of Infinity. In float32,
 * 1 - 1e-7 rounds to 0.99999988. Losses computed from logits need no clipping.
 *
 * @example
 * tf.clipByValue(probabilities, probabilityEpsilon, 1 - probabilityEpsilon);
 */
export const probabilityEpsilon = 1e-7;
