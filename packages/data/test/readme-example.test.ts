import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

// Runs the README's first code block against the package source: import lines are replaced by
// bindings to the source and tfjs-core, and console.log is captured to check what the example
// prints. (tools/readme-examples runs the same block as a user would, from the packed package.)
describe('README example', () => {
  it('runs and prints the bad row and batch shapes', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /## Example\s+(?:<!--[^\n]*-->\s+)?```ts\n([\s\S]*?)```/.exec(readme)![1]!; // after its test marker, if any
    const body = code.replace(/^import .*$/gm, '');
    const printed: unknown[][] = [];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
    const run = new AsyncFunction('api', 'tf', 'console', `const { ${Object.keys(api).join(', ')} } = api;\n${body}`);
    const before = tf.memory().numTensors;
    await run(api, tf, { log: (...values: unknown[]) => printed.push(values) });
    expect(tf.memory().numTensors).toBe(before);
    expect(printed[0]).toEqual([4, 'loans.csv line 4, column `income`: expected a decimal number, received "abc".']);
    // 4 good rows, 2 per class; stratified, each class sends round(2 * 0.25) = 1 row to test,
    // leaving 2 train rows: one batch of 2.
    expect(printed.slice(1)).toEqual([[[2, 2], [2]]]);
  });
});
