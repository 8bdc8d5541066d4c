// What training saves and `generate` (and the web page) load: the model in Loom's file format
// and the tokenizer as JSON, side by side.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@loom-ml/core/node';
import { BpeTokenizer } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { loadModel, saveModel } from '@loom-ml/layers/node';
import { CUSTOM_LAYERS } from './condition.js';

/** Where a run in `outDir` keeps its files. */
export function artifactPaths(outDir: string): { modelPath: string; tokenizerPath: string; reportPath: string } {
  return { modelPath: join(outDir, 'gpt.loom'), tokenizerPath: join(outDir, 'gpt-tokenizer.json'), reportPath: join(outDir, 'report.json') };
}

/** Saves the model and its tokenizer (atomically), and copies both where the web page loads them from when `webDir` is given. */
export async function saveArtifacts(outDir: string, model: Sequential, tokenizer: BpeTokenizer, webDir?: string): Promise<{ modelPath: string; tokenizerPath: string }> {
  const paths = artifactPaths(outDir);
  await mkdir(outDir, { recursive: true });
  await saveModel(model, paths.modelPath);
  await writeFileAtomic(paths.tokenizerPath, JSON.stringify(tokenizer));
  if (webDir !== undefined) {
    await mkdir(webDir, { recursive: true });
    await copyFile(paths.modelPath, join(webDir, 'gpt.loom'));
    await copyFile(paths.tokenizerPath, join(webDir, 'gpt-tokenizer.json'));
  }
  return paths;
}

/** Loads what `saveArtifacts` wrote (the tokenizer file is checked as untrusted input). */
export async function loadArtifacts(modelPath: string, tokenizerPath: string): Promise<{ model: Sequential; tokenizer: BpeTokenizer }> {
  const tokenizer = BpeTokenizer.fromJSON(await readFile(tokenizerPath));
  const model = await loadModel(modelPath, { customLayers: CUSTOM_LAYERS });
  return { model, tokenizer };
}
