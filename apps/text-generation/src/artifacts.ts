// What training saves and `generate` (and the web page) load: the model in Loom's file format
// and the tokenizer as JSON, side by side.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@loom-ml/core/node';
import { BpeTokenizer } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { loadModel, saveModel } from '@loom-ml/layers/node';
import { CUSTOM_LAYERS } from './condition.js';

/** Where a run in `outDir` keeps its files. */
export function artifactPaths(outDir: string): { modelPath: string; tokenizerPath: string; reportPath: string } {
  return { modelPath: join(outDir, 'gpt.loom'), tokenizerPath: join(outDir, 'gpt-tokenizer.json'), reportPath: join(outDir, 'report.json') };
}

/**
 * The folder the web page loads its model from, for a run that saves into `outDir`: only runs
 * into the default folder `runs` feed the page. A run with `--out` elsewhere (two runs side by
 * side, say) leaves it alone; otherwise the last run to finish would replace the page's model.
 */
export function pageModelDir(outDir: string): string | undefined {
  return resolve(outDir) === resolve('runs') ? fileURLToPath(new URL('../web/public/model', import.meta.url)) : undefined;
}

/** Saves the model and its tokenizer (atomically), and copies both (atomically) where the web page loads them from when `webDir` is given. */
export async function saveArtifacts(outDir: string, model: Sequential, tokenizer: BpeTokenizer, webDir?: string): Promise<{ modelPath: string; tokenizerPath: string }> {
  const paths = artifactPaths(outDir);
  await mkdir(outDir, { recursive: true });
  await saveModel(model, paths.modelPath);
  await writeFileAtomic(paths.tokenizerPath, JSON.stringify(tokenizer));
  if (webDir !== undefined) {
    await mkdir(webDir, { recursive: true });
    // Through a temporary file and a rename, as the run's own files: a failed copy never leaves the page a truncated model.
    await writeFileAtomic(join(webDir, 'gpt.loom'), await readFile(paths.modelPath));
    await writeFileAtomic(join(webDir, 'gpt-tokenizer.json'), await readFile(paths.tokenizerPath));
  }
  return paths;
}

/** Loads what `saveArtifacts` wrote (the tokenizer file is checked as untrusted input). */
export async function loadArtifacts(modelPath: string, tokenizerPath: string): Promise<{ model: Sequential; tokenizer: BpeTokenizer }> {
  const tokenizer = BpeTokenizer.fromJSON(await readFile(tokenizerPath));
  const model = await loadModel(modelPath, { customLayers: CUSTOM_LAYERS });
  return { model, tokenizer };
}
