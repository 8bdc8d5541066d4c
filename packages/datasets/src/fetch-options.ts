import { DatasetError } from './errors.js';

/** How the `fetch*` loaders download: all optional. */
export interface FetchOptions {
  /** Cancels the downloads. */
  signal?: AbortSignal;
  /** Refuse a file larger than this many bytes, downloaded or inflated. Default 256 MiB. */
  maxBytes?: number;
  /** The fetch to use (default `globalThis.fetch`), e.g. one that adds credentials. */
  fetch?: (url: string, init: { signal?: AbortSignal }) => Promise<Response>;
}

/** Fetches `url`, naming it in errors; an abort stays an abort (the caller asked for it). */
export async function fetchResponse(url: string | URL, where: string, options: FetchOptions): Promise<Response> {
  const fetchImpl = options.fetch ?? (typeof fetch === 'function' ? fetch : undefined);
  if (fetchImpl === undefined) throw new DatasetError(`${where}: this runtime has no fetch; pass \`fetch\` in the options.`);
  options.signal?.throwIfAborted();
  try {
    return await fetchImpl(String(url), options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new DatasetError(`${where}: cannot fetch ${String(url)}: ${(error as Error).message}.`);
  }
}
