/**
 * Default limits of every model loader (`loadModel`, `deserializeModel`, `modelFromArtifacts`,
 * `importTfjsModel`, `readTfjsModel`). A 300 MB float32 model loads with them; raise them per
 * call for larger models you trust.
 */
export const DEFAULT_LIMITS = {
  /** Largest model file or weight data: 512 MiB. */
  maxBytes: 512 * 2 ** 20,
  /** Most weight values a model may declare: 2^27 (134,217,728, i.e. 512 MiB of float32). */
  maxParameters: 2 ** 27,
  /** Largest JSON header / model.json: 64 MiB. */
  maxHeaderBytes: 64 * 2 ** 20,
} as const;
