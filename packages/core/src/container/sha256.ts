import { sha256 } from '@noble/hashes/sha2';

function hex(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
}

/**
 * SHA-256 of `bytes` as 64 lowercase hex digits, computed synchronously (pure JavaScript,
 * about 60–150 MB/s; `sha256HexAsync` uses the platform's WebCrypto when it has one).
 *
 * @example
 * sha256Hex(new TextEncoder().encode('abc')); // 'ba7816bf…15ad'
 */
export function sha256Hex(bytes: Uint8Array): string {
  return hex(sha256(bytes));
}

/**
 * SHA-256 of `bytes` as 64 lowercase hex digits, by WebCrypto where the platform has it
 * (Node.js, browsers in a secure context: several times faster), else as `sha256Hex`.
 *
 * @example
 * await sha256HexAsync(bytes);
 */
export async function sha256HexAsync(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle === undefined) return sha256Hex(bytes);
  return hex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}
