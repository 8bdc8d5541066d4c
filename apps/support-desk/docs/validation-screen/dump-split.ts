// Writes the training part and the validation share of BANKING77's training split, exactly as
// `pnpm start` splits them (stratified, 10%, seed 42), to a JSON file for screen.py. The test
// split is not read. Run from apps/support-desk: npx tsx docs/validation-screen/dump-split.ts /tmp/split.json
import { writeFileSync } from 'node:fs';
import { trainTestSplit } from '@loom-ml/data';
import { loadBanking77 } from '@loom-ml/datasets/node';

const out = process.argv[2] ?? 'split.json';
const train = await loadBanking77({ split: 'train' });
const indices = Array.from({ length: train.texts.length }, (_, i) => i);
const split = trainTestSplit(indices, { testFraction: 0.1, seed: 42, stratifyBy: Array.from(train.labels) });
const pick = (rows: number[]) => ({ texts: rows.map((i) => train.texts[i]), labels: rows.map((i) => train.labels[i]) });
writeFileSync(out, JSON.stringify({ train: pick(split.train), validation: pick(split.test) }));
console.log(`${split.train.length} training and ${split.test.length} validation queries written to ${out}`);
