import * as tf from '@tensorflow/tfjs-core';
import { integratedGradients, smoothGrad } from '@loom-ml/explain';
import { deserializeModel } from '@loom-ml/layers';
import { initWasm } from '@loom-ml/wasm';
import { inkFromRgba, toMnistInput } from '../src/preprocess.js';
import { attachDrawingPad } from './pad.js';

const canvas = document.querySelector<HTMLCanvasElement>('#pad')!;
const prediction = document.querySelector<HTMLOutputElement>('#prediction')!;
const probabilityList = document.querySelector<HTMLOListElement>('#probabilities')!;
const status = document.querySelector<HTMLSpanElement>('#status')!;
const heatmap = document.querySelector<HTMLCanvasElement>('#heatmap')!;
const whyClass = document.querySelector<HTMLOutputElement>('#why-class')!;

type HeatMapMethod = 'integrated-gradients' | 'smoothgrad';

/** What the page last fed the model, for tests and for curious users in the console. */
declare global {
  interface Window {
    mnistDemo?: {
      ready: boolean;
      backend?: string;
      threads?: number;
      lastInput?: number[];
      lastProbabilities?: number[];
      /** The heat map shown: 784 attributions of the predicted class, row-major, and how they were made. */
      lastHeatMap?: { method: HeatMapMethod; digit: number; values: number[] };
      error?: string;
    };
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
    explain(input);
  });

  let lastInput: Float32Array | undefined;
  /**
   * The heat map of the predicted digit's logit over the 28x28 input: integrated gradients from a
   * blank field (32 steps; the pixels' values add up to logit(drawing) − logit(blank)) or
   * SmoothGrad of gradient × input (averaged over 32 copies with noise of 0.15, seeded; plain
   * gradients would light up the background, where an MLP's weights never moved from their
   * initial values because MNIST's border pixels are always 0).
   */
  const explain = (input: Float32Array) => {
    lastInput = input;
    const method = document.querySelector<HTMLInputElement>('input[name="method"]:checked')!.value as HeatMapMethod;
    const { values, digit } = tf.tidy(() => {
      const x = tf.tensor(input, [1, ...model.inputShape]);
      const options = { target: 'predicted' } as const;
      const result = method === 'smoothgrad' ? smoothGrad(model, x, { ...options, method: 'gradient-x-input', samples: 32, noiseLevel: 0.15, seed: 1 }) : integratedGradients(model, x, { ...options, steps: 32 });
      return { values: Array.from(result.attributions[0]!.row(0)), digit: result.targets[0]! };
    });
    drawHeatMap(values, input);
    whyClass.textContent = `${digit} (${method === 'smoothgrad' ? 'SmoothGrad' : 'integrated gradients'})`;
    window.mnistDemo!.lastHeatMap = { method, digit, values };
  };
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="method"]')) radio.addEventListener('change', () => lastInput && explain(lastInput));
  document.querySelector('#clear')!.addEventListener('click', () => {
    pad.clear();
    prediction.textContent = '–';
    probabilityList.replaceChildren();
    whyClass.textContent = '–';
    heatmap.getContext('2d')!.clearRect(0, 0, 28, 28);
    lastInput = undefined;
  });
  status.textContent = `Ready: ${wasm.backendName} with ${wasm.threads} thread(s).`;
  Object.assign(window.mnistDemo!, { ready: true, backend: wasm.backendName, threads: wasm.threads });
}

/** The drawing in grey with the attributions over it: red where they are positive, blue where negative, scaled to the largest. */
function drawHeatMap(values: number[], input: Float32Array): void {
  const context = heatmap.getContext('2d')!;
  const image = context.createImageData(28, 28);
  const largest = Math.max(1e-12, ...values.map(Math.abs));
  values.forEach((value, i) => {
    const strength = Math.min(1, Math.abs(value) / largest) ** 0.5;
    const grey = 255 - 90 * input[i]!;
    const [r, g, b] = value >= 0 ? [220, 38, 38] : [37, 99, 235];
    image.data.set([grey + (r - grey) * strength, grey + (g - grey) * strength, grey + (b - grey) * strength, 255], 4 * i);
  });
  context.putImageData(image, 0, 0);
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
