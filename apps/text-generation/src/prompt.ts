import type { BpeTokenizer } from '@loom-ml/data';
import { BOS, sentimentId, type Sentiment } from './corpus.js';

/**
 * The ids that start a review as the model was trained to read them: the sentiment token, `<bos>`, then the prompt's text (special-token strings in it stay text).
 *
 * @example
 * promptIds(tokenizer, 'This movie', 'neg'); // [4, 1, ...ids of 'This movie']
 */
export function promptIds(tokenizer: BpeTokenizer, prompt: string, sentiment: Sentiment): number[] {
  return [sentimentId(sentiment), BOS, ...tokenizer.encode(prompt)];
}
