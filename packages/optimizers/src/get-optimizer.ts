import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { invalidValue } from './errors.js';
import { lion } from './lion.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';
import type { GradientTransformation } from './types.js';

// Default learning rates follow Keras (sgd 0.01, adam / adamw / rmsprop / adagrad 0.001)
// and the Lion paper's advice of a rate 3-10x below Adam's (1e-4).
const named: Record<string, () => GradientTransformation> = {
  sgd: () => sgd({ learningRate: 0.01 }),
  adam: () => adam({ learningRate: 1e-3 }),
  adamw: () => adamw({ learningRate: 1e-3 }),
  rmsprop: () => rmsprop({ learningRate: 1e-3 }),
  adagrad: () => adagrad({ learningRate: 1e-3 }),
  lion: () => lion({ learningRate: 1e-4 }),
};

/**
 * Resolves an optimizer identifier for APIs such as `fit({ optimizer: 'adam' })`: a name gives
 * that optimizer with its default learning rate; a transformation is returned as it is.
 *
 * @example
 * const transform = getOptimizer('adam'); // adam({ learningRate: 1e-3 })
 */
export function getOptimizer(identifier: string | GradientTransformation): GradientTransformation {
  if (typeof identifier === 'object' && identifier !== null && typeof identifier.init === 'function' && typeof identifier.update === 'function') {
    return identifier;
  }
  const make = typeof identifier === 'string' ? named[identifier] : undefined;
  if (make === undefined) {
    const names = Object.keys(named).map((n) => `'${n}'`).join(', ');
    throw invalidValue('identifier', 'getOptimizer', `one of ${names} or a gradient transformation`, identifier);
  }
  return make();
}
