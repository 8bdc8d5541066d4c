// The chat page: loads the model files the server shares (model/bundle.json, model/model.loom and,
// when the bundle blends a word CNN with the bag, model/cnn.loom),
// builds the assistant on Loom's WASM backend and answers in the browser; or, switched to the
// server, sends the same query to POST /reply. A hand-off's "did you mean" buttons send the
// chosen intent to POST /feedback (in either mode, when the server is reachable).
import { initWasm } from '@loom-ml/wasm';
import { intentLabel, type Reply } from '../src/assistant.js';
import { assistantFromFiles } from '../src/model-bundle.js';

const form = document.querySelector<HTMLFormElement>('#ask')!;
const input = document.querySelector<HTMLInputElement>('#query')!;
const button = form.querySelector<HTMLButtonElement>('button')!;
const messages = document.querySelector<HTMLOListElement>('#messages')!;
const status = document.querySelector<HTMLParagraphElement>('#status')!;

/** State for tests and for curious users in the console. */
declare global {
  interface Window {
    supportDemo?: { ready: boolean; backend?: string; replies: { mode: 'browser' | 'server'; text: string; reply: Reply }[]; feedback: string[]; error?: string };
  }
}
window.supportDemo = { ready: false, replies: [], feedback: [] };

const mode = () => (document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value === 'server' ? 'server' : 'browser');
const percent = (p: number) => `${(100 * p).toFixed(1)}%`;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text; // text only: never innerHTML with a query or an answer
  if (className !== undefined) node.className = className;
  return node;
}

async function postJson(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, document.baseURI), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const payload = (await response.json()) as { error?: string };
  if (!response.ok) throw new Error(payload.error ?? `HTTP ${response.status}`);
  return payload;
}

function show(text: string, reply: Reply, answeredBy: string): void {
  const item = element('li', undefined, reply.kind === 'answer' ? 'answer' : 'handoff');
  item.dataset.kind = reply.kind;
  item.dataset.intent = reply.intent;
  if (reply.kind === 'answer' && reply.answer) {
    item.append(element('strong', reply.answer.title), element('p', reply.answer.text));
    if (reply.answer.illustrative) item.append(element('p', 'Illustrative answer written for this demo.', 'illustrative'));
  } else {
    item.append(element('strong', 'I am not sure I understood: let me pass you to a person.'), element('p', 'Did you mean:'));
    for (const guess of reply.didYouMean) {
      const choice = element('button', `${intentLabel(guess.intent)} (${percent(guess.confidence)})`);
      choice.type = 'button';
      choice.dataset.intent = guess.intent;
      choice.addEventListener('click', () => {
        postJson('feedback', { text, intent: guess.intent, predicted: reply.intent, source: 'customer' })
          .then(() => {
            window.supportDemo!.feedback.push(guess.intent);
            choice.textContent = `${intentLabel(guess.intent)}: thanks, noted`;
          })
          .catch((error: unknown) => (choice.textContent = `${intentLabel(guess.intent)}: not sent (${(error as Error).message})`));
      });
      item.append(choice);
    }
  }
  item.append(element('p', `${reply.kind === 'answer' ? 'Answered' : 'Handed off'} by ${answeredBy}: ${intentLabel(reply.intent)}, confidence ${percent(reply.confidence)} (threshold ${percent(reply.threshold)}).`, 'meta'));
  const similar = element('ul', undefined, 'similar');
  for (const evidence of reply.similar) similar.append(element('li', `“${evidence.text.trim()}” (${intentLabel(evidence.intent)}, similarity ${evidence.similarity.toFixed(2)})`));
  item.append(element('p', 'Similar past questions:', 'similar'), similar);
  messages.append(item);
  item.scrollIntoView({ block: 'end' });
}

async function start(): Promise<void> {
  const wasm = await initWasm({ threads: 1, onNotice: (message) => console.info(message) });
  const [bundleResponse, modelResponse] = await Promise.all([fetch(new URL('model/bundle.json', document.baseURI)), fetch(new URL('model/model.loom', document.baseURI))]);
  if (!bundleResponse.ok || !modelResponse.ok) throw new Error(`Could not load the model from model/ (HTTP ${bundleResponse.status}, ${modelResponse.status}). Train one with pnpm start and serve it with pnpm serve.`);
  const json = (await bundleResponse.json()) as { cnn?: unknown } | null;
  let cnnBytes: Uint8Array | undefined;
  if (json !== null && typeof json === 'object' && json.cnn !== undefined) {
    // The bundle blends a word CNN with the bag: its network is a third file.
    const cnnResponse = await fetch(new URL('model/cnn.loom', document.baseURI));
    if (!cnnResponse.ok) throw new Error(`Could not load the word CNN from model/cnn.loom (HTTP ${cnnResponse.status}).`);
    cnnBytes = new Uint8Array(await cnnResponse.arrayBuffer());
  }
  const { assistant } = assistantFromFiles(json, new Uint8Array(await modelResponse.arrayBuffer()), 'model', cnnBytes);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    input.value = '';
    messages.append(element('li', text, 'customer'));
    const current = mode();
    const answer = current === 'browser' ? Promise.resolve(assistant.reply([text])[0]!) : (postJson('reply', { text }) as Promise<Reply>);
    answer
      .then((reply) => {
        window.supportDemo!.replies.push({ mode: current, text, reply });
        show(text, reply, current === 'browser' ? 'this browser' : 'the server');
      })
      .catch((error: unknown) => messages.append(element('li', `The server did not answer: ${(error as Error).message}`, 'handoff')));
  });
  input.disabled = false;
  button.disabled = false;
  status.textContent = `Ready: ${wasm.backendName}, ${assistant.parts.intents.length} intents, ${assistant.parts.cnn ? `the bag blended with the word CNN (weight ${assistant.parts.cnn.weight})` : 'the embedding bag'}, answering from ${percent(assistant.parts.threshold)} confidence.`;
  Object.assign(window.supportDemo!, { ready: true, backend: wasm.backendName });
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  status.textContent = message;
  window.supportDemo!.error = message;
});
