// Page program for browser.test.ts, bundled from the built dist with no externals.
import { decodeContainer, encodeContainer, loadBytes, saveBytes, sha256HexAsync } from '@loom-ml/core';
import { exposeToTest } from '@loom-ml/test-utils/page';

const decoded = (bytes: Uint8Array) => {
  const container = decodeContainer(bytes);
  return { metadata: container.metadata, tensors: container.tensors.map((t) => ({ name: t.name, shape: t.shape, values: Array.from(container.read(t)) })) };
};

exposeToTest({
  sha256: (text: string) => sha256HexAsync(new TextEncoder().encode(text)),

  async saveToIndexedDb(name: string) {
    const bytes = encodeContainer({ metadata: { savedBy: 'page' }, tensors: [{ name: 'w', dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, -2, 3.5, 4]) }] });
    await saveBytes(`indexeddb://${name}`, bytes);
  },

  loadFromIndexedDb: async (name: string) => decoded(await loadBytes(`indexeddb://${name}`)),

  loadFromUrl: async (path: string) => decoded(await loadBytes(path)),

  loadFromBlob: async () => {
    const bytes = encodeContainer({ tensors: [{ name: 'ids', dtype: 'int32', shape: [3], data: Int32Array.from([7, -1, 9]) }] });
    return decoded(await loadBytes(new Blob([new Uint8Array(bytes)])));
  },

  async refusal(path: string, maxBytes: number) {
    try {
      await loadBytes(path, { maxBytes });
      return 'loaded';
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  },
});
