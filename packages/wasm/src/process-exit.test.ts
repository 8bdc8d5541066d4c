import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('../test/fixtures/exit-after-dispose.mjs', import.meta.url));

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; timedOut: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: packageRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, timedOut: true, stdout, stderr });
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut: false, stdout, stderr });
    });
  });
}

describe('a Node process using the threaded backend (built dist)', () => {
  it('has a built dist/index.js to run against', () => {
    expect(existsSync(new URL('../dist/index.js', import.meta.url)), 'run the package build first').toBe(true);
  });

  it('exits by itself within 15 s after dispose(), having used 2 threads', async () => {
    const result = await run(['2'], 15_000);
    expect(result.timedOut, result.stderr).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { threads: number; backend: string; value: number };
    expect(report).toEqual({ threads: 2, backend: 'loom-wasm', value: 64 });
  });

  it.each(['2', 'auto'])("exits by itself within 15 s when dispose() is forgotten (threads: %s)", async (threads) => {
    const result = await run([threads, 'no-dispose'], 15_000);
    expect(result.timedOut, result.stderr).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { threads: number; backend: string; value: number };
    // 'auto' is one thread per core: on a one-core machine that is 1, on this 2-core one 2.
    expect(report).toEqual({ threads: threads === 'auto' ? Math.min(8, availableParallelism()) : 2, backend: 'loom-wasm', value: 64 });
  });
});
