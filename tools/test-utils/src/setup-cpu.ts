// Vitest setup: the reference cpu backend with every tfjs-core gradient registered.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

// IS_TEST silences tfjs's "install tfjs-node" banner; it changes no numerics.
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
