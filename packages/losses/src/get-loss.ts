import { binaryCrossentropy } from './binary-crossentropy.js';
import { binaryFocalCrossentropy } from './binary-focal-crossentropy.js';
import { categoricalCrossentropy } from './categorical-crossentropy.js';
import { categoricalFocalCrossentropy } from './categorical-focal-crossentropy.js';
import { cosineSimilarity } from './cosine-similarity.js';
import { distillationLoss } from './distillation.js';
import { invalidValue } from './errors.js';
import { assertKnownOptions } from './validate.js';
import { hinge, squaredHinge } from './hinge.js';
import { huber } from './huber.js';
import { klDivergence } from './kl-divergence.js';
import type { Loss } from './loss.js';
import { meanAbsoluteError } from './mean-absolute-error.js';
import { meanSquaredError } from './mean-squared-error.js';
import { poisson } from './poisson.js';
import { bprLoss, sampledSoftmaxLoss } from './ranking.js';
import { sparseCategoricalCrossentropy } from './sparse-categorical-crossentropy.js';

type Factory = (config?: never) => Loss;

const factories: Record<string, Factory> = {
  meanSquaredError,
  meanAbsoluteError,
  huber: huber as Factory,
  binaryCrossentropy: binaryCrossentropy as Factory,
  categoricalCrossentropy: categoricalCrossentropy as Factory,
  sparseCategoricalCrossentropy: sparseCategoricalCrossentropy as Factory,
  binaryFocalCrossentropy: binaryFocalCrossentropy as Factory,
  categoricalFocalCrossentropy: categoricalFocalCrossentropy as Factory,
  hinge,
  squaredHinge,
  klDivergence,
  cosineSimilarity,
  poisson,
  bprLoss,
  sampledSoftmaxLoss: sampledSoftmaxLoss as Factory,
  distillationLoss: distillationLoss as Factory,
};

/** The factories that take an options object; the rest take none. */
const withOptions = new Set([
  'huber',
  'binaryCrossentropy',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryFocalCrossentropy',
  'categoricalFocalCrossentropy',
  'sampledSoftmaxLoss',
  'distillationLoss',
]);

const aliases: Record<string, string> = { mse: 'meanSquaredError', mae: 'meanAbsoluteError', kld: 'klDivergence' };

function lossNames(): string[] {
  return [...Object.keys(factories), ...Object.keys(aliases)];
}

// Marked pure so that bundlers drop it, and with it every loss factory, from an app that uses
// neither LOSS_NAMES nor getLoss: a bare top-level call would keep all sixteen losses.
/** Every name `getLoss` accepts (aliases included). */
export const LOSS_NAMES = /* @__PURE__ */ lossNames();

/**
 * A loss from its name (with default options), from `{ name, config }` as `getConfig` saves it,
 * or the loss itself.
 *
 * @example
 * getLoss('mse');
 * getLoss({ name: 'categoricalCrossentropy', config: { fromLogits: true } });
 */
export function getLoss(identifier: string | Loss | { name: string; config?: Record<string, unknown> }): Loss {
  if (typeof identifier === 'object' && identifier !== null && typeof (identifier as Loss).perSample === 'function') return identifier as Loss;
  const { name, config } = (typeof identifier === 'string' ? { name: identifier } : (identifier ?? {})) as { name?: unknown; config?: Record<string, unknown> };
  const factory = typeof name === 'string' ? factories[aliases[name] ?? name] : undefined;
  if (factory === undefined) throw invalidValue('loss', 'getLoss', `one of ${LOSS_NAMES.join(', ')}, or a Loss`, identifier);
  const canonical = aliases[name as string] ?? (name as string);
  // Factories without options ignore their argument, so check the config here.
  if (!withOptions.has(canonical)) assertKnownOptions(canonical, config, []);
  return (factory as (config?: Record<string, unknown>) => Loss)(config);
}
