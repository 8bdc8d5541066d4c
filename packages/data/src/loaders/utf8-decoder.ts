/** What an invalid byte sequence does: `'error'` (default) stops with a named error, `'replace'` reads it as U+FFFD. */
export type InvalidUtf8 = 'error' | 'replace';

/** Decoded text, and the invalid bytes that stopped decoding (only with `'error'`). */
export interface DecodedChunk {
  /** Everything before the first invalid sequence. */
  text: string;
  /** The first invalid sequence (its lead byte and the valid continuation bytes after it). */
  invalid?: Uint8Array;
}

/** Where the first invalid UTF-8 sequence of `bytes` starts, and how long it is (-1 if none). */
export function findInvalidUtf8(bytes: Uint8Array): { index: number; length: number } {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) low = 0xa0; // no overlong 3-byte forms
      if (lead === 0xed) high = 0x9f; // no surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) low = 0x90; // no overlong 4-byte forms
      if (lead === 0xf4) high = 0x8f; // nothing past U+10FFFF
    } else return { index: i, length: 1 };
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < low || next > high) return { index: i, length: k };
      low = 0x80;
      high = 0xbf;
    }
    i += need + 1;
  }
  return { index: -1, length: 0 };
}

/** Bytes at the end of `bytes` that start a sequence the next chunk may complete (0 to 3). */
function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= Math.min(3, n); k++) {
    const byte = bytes[n - k]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    if (byte < 0xc0) return 0; // ASCII
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return k < length ? k : 0;
  }
  return 0;
}

/**
 * Decodes UTF-8 chunk by chunk, strictly by default. Each chunk is decoded up to its last
 * complete character (the rest waits for the next chunk), so the text and the error found do
 * not depend on where the chunks are split. A byte-order mark is kept (the CSV parser drops
 * it at the very start only).
 */
export class Utf8ChunkDecoder {
  private tail: Uint8Array = new Uint8Array(0);
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  constructor(private readonly mode: InvalidUtf8 = 'error') {}

  decode(chunk: Uint8Array): DecodedChunk {
    let bytes = chunk;
    if (this.tail.length > 0) {
      bytes = new Uint8Array(this.tail.length + chunk.length);
      bytes.set(this.tail);
      bytes.set(chunk, this.tail.length);
    }
    const cut = bytes.length - incompleteTail(bytes);
    this.tail = bytes.slice(cut);
    return this.decodeComplete(bytes.subarray(0, cut));
  }

  /** Decodes what is left: an incomplete character at the very end is invalid. */
  end(): DecodedChunk {
    const rest = this.tail;
    this.tail = new Uint8Array(0);
    return this.decodeComplete(rest);
  }

  private decodeComplete(bytes: Uint8Array): DecodedChunk {
    if (bytes.length === 0) return { text: '' };
    if (this.mode === 'replace') return { text: this.lenient.decode(bytes) };
    try {
      return { text: this.strict.decode(bytes) };
    } catch {
      const { index, length } = findInvalidUtf8(bytes);
      if (index < 0) return { text: this.lenient.decode(bytes) }; // not reached: the decoder and the scan agree
      return { text: this.lenient.decode(bytes.subarray(0, index)), invalid: bytes.slice(index, index + length) };
    }
  }
}
