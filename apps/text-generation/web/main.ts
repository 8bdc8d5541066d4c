import { BpeTokenizer } from '@loom-ml/data';
import { deserializeModel, generate } from '@loom-ml/layers';
import { initWasm } from '@loom-ml/wasm';
import { CUSTOM_LAYERS } from '../src/condition.js';
import { promptIds } from '../src/prompt.js';

const form = document.querySelector<HTMLFormElement>('#controls')!;
const promptInput = document.querySelector<HTMLInputElement>('#prompt')!;
const sentimentInput = document.querySelector<HTMLSelectElement>('#sentiment')!;
const temperatureInput = document.querySelector<HTMLInputElement>('#temperature')!;
const topKInput = document.querySelector<HTMLInputElement>('#top-k')!;
const maxTokensInput = document.querySelector<HTMLInputElement>('#max-tokens')!;
const generateButton = document.querySelector<HTMLButtonElement>('#generate')!;
const stopButton = document.querySelector<HTMLButtonElement>('#stop')!;
const output = document.querySelector<HTMLParagraphElement>('#output')!;
const status = document.querySelector<HTMLParagraphElement>('#status')!;

/** What the page did last, for tests and for curious users in the console. */
declare global {
  interface Window {
    gptDemo?: {
      ready: boolean;
      backend?: string;
      threads?: number;
      error?: string;
      running?: boolean;
      /** The ids fed to the model and the ids it produced, one by one. */
      promptIds?: number[];
      ids?: number[];
      /** The page's text after each token: it grows while the model writes. */
      shown?: string[];
      tokensPerSecond?: number;
    };
  }
}
window.gptDemo = { ready: false };

/** A number input's value within its min/max, or its default when empty or invalid. */
function numberFrom(input: HTMLInputElement): number {
  const value = Number(input.value);
  if (input.value.trim() === '' || !Number.isFinite(value)) return Number(input.defaultValue);
  return Math.min(Number(input.max), Math.max(Number(input.min), value));
}

async function start(): Promise<void> {
  const wasm = await initWasm({ threads: 'auto', onNotice: (message) => console.info(message) });
  const [modelResponse, tokenizerResponse] = await Promise.all([fetch(new URL('model/gpt.loom', document.baseURI)), fetch(new URL('model/gpt-tokenizer.json', document.baseURI))]);
  for (const [name, response] of [['gpt.loom', modelResponse], ['gpt-tokenizer.json', tokenizerResponse]] as const) {
    if (!response.ok) throw new Error(`Could not load model/${name} (HTTP ${response.status}). Train the model first: pnpm start.`);
  }
  const model = deserializeModel(new Uint8Array(await modelResponse.arrayBuffer()), { customLayers: CUSTOM_LAYERS });
  const tokenizer = BpeTokenizer.fromJSON(new Uint8Array(await tokenizerResponse.arrayBuffer()));
  const stopId = tokenizer.specialId('<eos>');
  let stopRequested = false;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void write();
  });
  stopButton.addEventListener('click', () => {
    stopRequested = true;
  });

  async function write(): Promise<void> {
    const prompt = promptInput.value;
    const sentiment = sentimentInput.value === 'neg' ? 'neg' : 'pos';
    const topK = Math.round(numberFrom(topKInput));
    // keepPrefix 1: the sentiment token stays first in the model's window when a long review moves it on.
    const options = { maxNewTokens: Math.round(numberFrom(maxTokensInput)), temperature: numberFrom(temperatureInput), topK: topK === 0 ? undefined : topK, stopTokens: [stopId], keepPrefix: 1 };
    const ids = promptIds(tokenizer, prompt, sentiment);
    const state = Object.assign(window.gptDemo!, { running: true, promptIds: ids, ids: [] as number[], shown: [] as string[], tokensPerSecond: undefined as number | undefined });
    const strong = document.createElement('span');
    strong.className = 'prompt';
    strong.textContent = prompt;
    const written = document.createTextNode('');
    output.replaceChildren(strong, written);
    generateButton.disabled = true;
    stopButton.disabled = false;
    stopRequested = false;
    const decoder = tokenizer.decoder({ skipSpecial: true });
    const started = performance.now();
    try {
      for await (const id of generate(model, ids, options)) {
        state.ids!.push(id);
        written.data += decoder.write(id);
        state.shown!.push(prompt + written.data);
        status.textContent = `Writing… ${state.ids!.length} tokens`;
        // Give the browser a frame to paint the new text before the next token.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (stopRequested) break;
      }
      written.data += decoder.end();
      const tokensPerSecond = state.ids!.length / ((performance.now() - started) / 1000);
      state.tokensPerSecond = tokensPerSecond;
      status.textContent = `${state.ids!.length} tokens, ${tokensPerSecond.toFixed(1)} tokens/s on ${wasm.backendName} with ${wasm.threads} thread(s).`;
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
      state.error = status.textContent;
    } finally {
      state.running = false;
      generateButton.disabled = false;
      stopButton.disabled = true;
    }
  }

  generateButton.disabled = false;
  status.textContent = `Ready: ${wasm.backendName} with ${wasm.threads} thread(s), ${model.countParams().toLocaleString('en-US')} parameters.`;
  Object.assign(window.gptDemo!, { ready: true, backend: wasm.backendName, threads: wasm.threads });
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  status.textContent = message;
  window.gptDemo!.error = message;
});
