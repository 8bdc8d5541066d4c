// Tests run on the tfjs cpu backend; gradients come from @loom-ml/wasm's explicit registration.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerGradients } from '@loom-ml/wasm';

registerGradients();
await tf.setBackend('cpu');
