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
  if (typeof (input as ReadableStream).getReader === 'function' && !(Symbol.asyncIterator in input)) {
    const reader = (input as ReadableStream<string | Uint8Array>).getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* input as AsyncIterable<string | Uint8Array>;
}
