import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('../test/fixtures/throw-after-init.mjs', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: packageRoot });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit within 15 s; stderr: ${stderr.slice(0, 500)}`));
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

// Before the fix, the Emscripten module's process-wide handlers re-threw these errors: Node
// printed a line of ~38 KB of minified module code first and exited with code 7.
describe("an application's own error in a process that loaded the backend (built dist)", () => {
  it.each([
    ['1', 'throw', 'Error: boom from the application', 'at Timeout.applicationCode'],
    ['2', 'throw', 'Error: boom from the application', 'at Timeout.applicationCode'],
    ['1', 'reject', 'Error: rejected by the application', 'throw-after-init.mjs'],
    ['2', 'reject', 'Error: rejected by the application', 'throw-after-init.mjs'],
  ])('threads %s, uncaught %s: Node reports the error and its stack first and exits with code 1', async (threads, how, message, frame) => {
    const { code, stderr } = await run([threads, how]);
    expect(code, stderr.slice(0, 500)).toBe(1);
    expect(stderr).not.toContain('WasmBackendModule');
    expect(stderr.length).toBeLessThan(3000);
    const lines = stderr.split('\n');
    // Node's report: the throwing line of the application, then the error, then its stack.
    expect(lines[0]).toContain('throw-after-init.mjs');
    const errorLine = lines.findIndex((line) => line.startsWith(message));
    expect(errorLine, stderr).toBeGreaterThan(0);
    expect(errorLine).toBeLessThan(6);
    expect(lines[errorLine + 1]).toContain(frame);
  });
});
