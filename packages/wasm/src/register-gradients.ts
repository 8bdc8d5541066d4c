import * as tf from '@tensorflow/tfjs-core';
import { gradientConfigs } from './gradient-configs.js';

/**
 * Registers every gradient tfjs-core defines (the CommonJS build of tfjs-core that Node loads
 * has none; tfjs-layers would register them as a side effect of being imported). The registry
 * is global, so this works with the cpu backend too. Idempotent; returns how many were added.
 *
 * @example
 * import '@tensorflow/tfjs-backend-cpu';
 * import { registerGradients } from '@loom-ml/wasm';
 * registerGradients();
 * tf.grad((x) => tf.square(x))(tf.scalar(3)).print(); // 6
 */
export function registerGradients(): number {
  let added = 0;
  for (const config of gradientConfigs) {
    if (tf.getGradient(config.kernelName) !== undefined) continue;
    tf.registerGradient(config);
    added++;
  }
  return added;
}
