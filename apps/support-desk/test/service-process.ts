import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote to stderr so far. */
  stderr: () => string;
  /** Peak resident memory of the process so far in MB (Linux: VmHWM; elsewhere the current RSS from `ps`). */
  peakRssMb: () => number;
  stop: () => Promise<void>;
}

/**
 * Starts `src/serve.ts` as its own process (as `pnpm serve` does), so a test can check that the
 * real service survives whatever it is sent and measure its memory, apart from the test runner's.
 *
 * @example
 * const service = await startService(['--model', directory]);
 */
export async function startService(args: string[]): Promise<ServiceProcess> {
  const script = fileURLToPath(new URL('../src/serve.ts', import.meta.url));
  // From the app's folder, where `--import tsx` resolves.
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = / on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`serve.ts exited with code ${code} before listening: ${stderr}`)));
  });
  const peakRssMb = () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The service process is gone (exit code ${child.exitCode}, signal ${child.signalCode}); its stderr ends: ${stderr.slice(-400)}`);
    }
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
    } catch {
      return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(child.pid)], { encoding: 'utf8' }).trim()) / 1024;
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, port, stderr: () => stderr, peakRssMb, stop };
}
