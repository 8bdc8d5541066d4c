// Tests run on the tfjs cpu backend by default; the browser and training tests switch to Loom's WASM backend themselves.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerGradients } from '@loom-ml/wasm';

registerGradients();
await tf.setBackend('cpu');
