import * as tf from '@tensorflow/tfjs-core';
import { deserializeModel } from '@loom-ml/layers';
import { initWasm } from '@loom-ml/wasm';
import { inkFromRgba, toMnistInput } from '../src/preprocess.js';
import { attachDrawingPad } from './pad.js';

const canvas = document.querySelector<HTMLCanvasElement>('#pad')!;
const prediction = document.querySelector<HTMLOutputElement>('#prediction')!;
const probabilityList = document.querySelector<HTMLOListElement>('#probabilities')!;
const status = document.querySelector<HTMLSpanElement>('#status')!;

/** What the page last fed the model, for tests and for curious users in the console. */
declare global {
  interface Window {
    mnistDemo?: { ready: boolean; backend?: string; threads?: number; lastInput?: number[]; lastProbabilities?: number[]; error?: string };
  }
}
window.mnistDemo = { ready: false };

async function start(): Promise<void> {
  const wasm = await initWasm({ threads: 'auto', onNotice: (message) => console.info(message) });
  const response = await fetch(new URL('model/mnist.loom', document.baseURI));
  if (!response.ok) throw new Error(`Could not load the model from model/mnist.loom (HTTP ${response.status}). Train it first: pnpm start.`);
  const model = deserializeModel(new Uint8Array(await response.arrayBuffer()));

  const pad = attachDrawingPad(canvas, () => {
    const context = canvas.getContext('2d')!;
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const input = toMnistInput(inkFromRgba(pixels.data, canvas.width, canvas.height));
    const probabilities = tf.tidy(() => {
      const logits = model.apply(tf.tensor(input, [1, ...model.inputShape]), { training: false }) as tf.Tensor;
      return Array.from(tf.softmax(logits).dataSync());
    });
    show(probabilities);
    Object.assign(window.mnistDemo!, { lastInput: Array.from(input), lastProbabilities: probabilities });
  });
  document.querySelector('#clear')!.addEventListener('click', () => {
    pad.clear();
    prediction.textContent = '–';
    probabilityList.replaceChildren();
  });
  status.textContent = `Ready: ${wasm.backendName} with ${wasm.threads} thread(s).`;
  Object.assign(window.mnistDemo!, { ready: true, backend: wasm.backendName, threads: wasm.threads });
}

function show(probabilities: number[]): void {
  const best = probabilities.indexOf(Math.max(...probabilities));
  prediction.textContent = String(best);
  probabilityList.replaceChildren(
    ...probabilities.map((p) => {
      const item = document.createElement('li');
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.round(p * 150)}px`;
      item.append(`${(100 * p).toFixed(1)}%`, bar);
      return item;
    }),
  );
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  status.textContent = message;
  window.mnistDemo!.error = message;
});
