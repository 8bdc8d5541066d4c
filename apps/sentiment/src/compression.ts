// What `pnpm compress` measures: a trained model saved as float32, int8 (per-channel symmetric)
// and float16, each file loaded back (dequantised to float32) and evaluated.
import { gzipSync } from 'node:zlib';
import { deserializeModel, serializeModel, type Sequential } from '@loom-ml/layers';

export type StoredFormat = 'float32' | 'int8' | 'float16';

/** One way of storing a model: its file, and the accuracy of the model loaded back from it. */
export interface StoredRow {
  format: StoredFormat;
  /** The saved file's size. */
  bytes: number;
  /** float32 file size / this one. */
  smaller: number;
  /** Size after gzip (level 9), as a server would send it. */
  gzipBytes: number;
  /** Test accuracy of the model loaded from the file (0..1). */
  accuracy: number;
  /** Accuracy points lost against the float32 file (positive = worse). */
  pointsLost: number;
  /** The file itself. */
  file: Uint8Array;
}

/**
 * Saves `model` in each format, loads the file back and measures it with `accuracyOf`.
 *
 * @example
 * const rows = await measureStorage(model, (loaded) => accuracyOn(loaded, test)); // float32, int8, float16
 */
export async function measureStorage(model: Sequential, accuracyOf: (model: Sequential) => Promise<number>): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for (const format of ['float32', 'int8', 'float16'] as const) {
    const file = await serializeModel(model, format === 'float32' ? {} : { quantize: format });
    const loaded = deserializeModel(file);
    let accuracy: number;
    try {
      accuracy = await accuracyOf(loaded);
    } finally {
      loaded.dispose();
    }
    const reference = rows[0] ?? { bytes: file.length, accuracy };
    rows.push({ format, bytes: file.length, smaller: reference.bytes / file.length, gzipBytes: gzipSync(file, { level: 9 }).length, accuracy, pointsLost: 100 * (reference.accuracy - accuracy), file });
  }
  return rows;
}

/** A Markdown table of `measureStorage` rows for several models. */
export function formatStorageTable(models: readonly { name: string; rows: readonly StoredRow[] }[]): string {
  const lines = ['| model | stored as | file | smaller | gzipped | test accuracy | points lost |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const { name, rows } of models) {
    for (const row of rows) {
      const lost = row.format === 'float32' ? '' : row.pointsLost.toFixed(2);
      lines.push(`| ${name} | ${row.format} | ${(row.bytes / 1024).toFixed(1)} KB | ${row.smaller.toFixed(2)}x | ${(row.gzipBytes / 1024).toFixed(1)} KB | ${(100 * row.accuracy).toFixed(2)}% | ${lost} |`);
    }
  }
  return lines.join('\n');
}
