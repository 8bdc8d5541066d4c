import { chain } from './chain.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { scaleByRss, type ScaleByRssOptions } from './scale-by-rss.js';
import type { GradientTransformation, ScalarOrSchedule } from './types.js';
import { requireScalarOrSchedule } from './validate.js';

/** Options of `adagrad`. */
export interface AdagradOptions extends ScaleByRssOptions {
  /** A number or a schedule of the step. */
  learningRate: ScalarOrSchedule;
}

/**
 * Adagrad (Duchi et al. 2011): `chain(scaleByRss(options), scaleByLearningRate(learningRate))`.
 *
 * @example
 * const optimizer = adagrad({ learningRate: 0.1 });
 */
export function adagrad(options: AdagradOptions): GradientTransformation {
  requireScalarOrSchedule(options?.learningRate, 'learningRate', 'adagrad');
  return chain(scaleByRss(options), scaleByLearningRate(options.learningRate));
}
