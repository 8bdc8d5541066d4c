// Tests run on the tfjs cpu backend; the CLI itself uses Loom's WASM backend.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerGradients } from '@loom-ml/wasm';

registerGradients();
await tf.setBackend('cpu');
