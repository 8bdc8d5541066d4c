// The support assistant: a query in, a reply out. Above the calibrated confidence threshold the
// reply is the knowledge base's answer for the predicted intent; below it, a hand-off to a person
// with the three most likely intents ("did you mean") for the agent or the customer to pick.
// Either way it shows the most similar training queries as evidence. Runs anywhere: the server
// and the browser page both use it.
import type { Sequential } from '@loom-ml/layers';
import { softmaxRows } from './evaluation.js';
import type { Featurizer } from './features.js';
import { predictLogits, sentenceEmbeddings } from './intent-model.js';
import { blendLogits, wordCnnLogits, type WordVocabulary } from './word-cnn.js';

export interface KnowledgeBase {
  note: string;
  illustrative: boolean;
  answers: Record<string, { title: string; text: string }>;
}

export interface IntentGuess {
  intent: string;
  /** Calibrated probability (the blend's probabilities, temperature-scaled). */
  confidence: number;
}

export interface Evidence {
  text: string;
  intent: string;
  /** Cosine similarity of the sentence embeddings, -1 to 1. */
  similarity: number;
}

export interface Reply {
  /** 'answer' when the top intent's confidence reaches the threshold, else 'handoff'. */
  kind: 'answer' | 'handoff';
  intent: string;
  confidence: number;
  threshold: number;
  /** The knowledge-base answer (only for kind 'answer'). */
  answer?: { title: string; text: string; illustrative: boolean };
  /** The three most likely intents, most likely first (shown with a hand-off). */
  didYouMean: IntentGuess[];
  /** The training queries closest to this one. */
  similar: Evidence[];
}

export interface AssistantParts {
  /** The embedding bag (its output is also the sentence embedding). */
  model: Sequential;
  /** The word CNN blended with the bag: probabilities `(1 - weight) * bag + weight * cnn`. */
  cnn?: { model: Sequential; vocabulary: WordVocabulary; weight: number };
  featurizer: Featurizer;
  intents: readonly string[];
  temperature: number;
  threshold: number;
  knowledgeBase: KnowledgeBase;
  /** Training queries shown as evidence, with their intents (indices into `intents`). */
  evidence: { texts: readonly string[]; labels: ArrayLike<number> };
}

/** Readable name of an intent: `card_arrival` → "card arrival". */
export const intentLabel = (intent: string) => intent.replace(/\?$/, '').replace(/_/g, ' ').toLowerCase();

/**
 * @example
 * const assistant = new Assistant({ model, featurizer, intents, temperature, threshold, knowledgeBase, evidence });
 * assistant.reply(['I still have not received my card'])[0]; // { kind: 'answer', intent: 'card_arrival', ... }
 */
export class Assistant {
  private readonly embeddings: Float32Array;
  private readonly dim: number;

  constructor(readonly parts: AssistantParts) {
    this.embeddings = sentenceEmbeddings(parts.model, parts.featurizer, parts.evidence.texts);
    this.dim = parts.evidence.texts.length === 0 ? 0 : this.embeddings.length / parts.evidence.texts.length;
  }

  /** Replies to each query (`similarCount` evidence queries each). */
  reply(texts: readonly string[], similarCount = 3): Reply[] {
    const { model, featurizer, intents, temperature, threshold, knowledgeBase } = this.parts;
    const classes = intents.length;
    const probabilities = softmaxRows(this.logits(texts), classes, temperature);
    const vectors = sentenceEmbeddings(model, featurizer, texts);
    return texts.map((_, i) => {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      const ranked = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
      const top = ranked[0]!;
      const confidence = row[top]!;
      const kind = confidence >= threshold ? 'answer' : 'handoff';
      const entry = knowledgeBase.answers[intents[top]!];
      return {
        kind,
        intent: intents[top]!,
        confidence,
        threshold,
        ...(kind === 'answer' && entry !== undefined ? { answer: { ...entry, illustrative: knowledgeBase.illustrative } } : {}),
        didYouMean: ranked.slice(0, 3).map((c) => ({ intent: intents[c]!, confidence: row[c]! })),
        similar: this.nearest(vectors.subarray(i * this.dim, (i + 1) * this.dim), similarCount),
      };
    });
  }

  /** The model's logits of each query (the blend's log-probabilities when there is a CNN). */
  logits(texts: readonly string[]): Float32Array {
    const { model, featurizer, cnn, intents } = this.parts;
    const bag = predictLogits(model, featurizer, texts);
    return cnn === undefined ? bag : blendLogits(bag, wordCnnLogits(cnn.model, cnn.vocabulary, texts), intents.length, cnn.weight);
  }

  /** Frees the networks' weights. */
  dispose(): void {
    this.parts.model.dispose();
    this.parts.cnn?.model.dispose();
  }

  /** The `count` evidence queries with the highest cosine similarity (ties: earlier first). */
  private nearest(vector: Float32Array, count: number): Evidence[] {
    const { texts, labels } = this.parts.evidence;
    const best: { index: number; similarity: number }[] = [];
    for (let j = 0; j < texts.length; j++) {
      let dot = 0;
      const offset = j * this.dim;
      for (let d = 0; d < this.dim; d++) dot += vector[d]! * this.embeddings[offset + d]!;
      if (best.length < count || dot > best[best.length - 1]!.similarity) {
        best.push({ index: j, similarity: dot });
        best.sort((a, b) => b.similarity - a.similarity || a.index - b.index);
        if (best.length > count) best.pop();
      }
    }
    return best.map(({ index, similarity }) => ({ text: texts[index]!, intent: this.parts.intents[labels[index]!]!, similarity }));
  }
}
