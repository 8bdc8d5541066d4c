import { isReadableStream, readStream } from './byte-input.js';

/** Text or byte chunks from any source the loaders accept. */
export type ChunkSource =
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | ReadableStream<string | Uint8Array>;

/**
 * Iterates a chunk source. Web `ReadableStream`s are read through `getReader()` because not every
 * browser makes them async-iterable; everything else is iterated directly.
 */
export async function* readChunks(input: ChunkSource): AsyncGenerator<string | Uint8Array> {
  if (isReadableStream(input) && !(Symbol.asyncIterator in input)) {
    yield* readStream(input as ReadableStream<string | Uint8Array>);
    return;
  }
  yield* input as AsyncIterable<string | Uint8Array>;
}
