// Copies this app out of the monorepo the way apps/README.md tells a user to, installs it with
// plain npm against tarballs of the workspace packages (`pnpm pack`, as `changeset publish`
// would publish them), then type-checks it and builds its web page. Slow by nature (an npm
// install from the registry cache), so it has its own timeout.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript script without types
import { copyApp } from '../../../tools/scripts/copy-app.mjs';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const work = mkdtempSync(join(tmpdir(), 'loom-copy-out-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Asynchronous on purpose: a minute-long synchronous npm install would block this vitest worker
// past its 60 s RPC timeout ("Timeout calling onTaskUpdate") when the machine is busy.
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The pinned pnpm: on PATH inside `pnpm test`, through npx otherwise. */
function pnpm(args: string[], cwd: string): Promise<string> {
  const execPath = process.env.npm_execpath ?? '';
  return /pnpm/.test(execPath) ? run(process.execPath, [execPath, ...args], cwd) : run('npx', ['-y', 'pnpm@9.15.9', ...args], cwd);
}

describe('copying apps/mnist out of the monorepo', () => {
  it('installs with npm from package tarballs, type-checks and builds its web page', { timeout: 300_000 }, async () => {
    const tarballs = join(work, 'tarballs');
    for (const name of readdirSync(join(root, 'packages'))) {
      const dir = join(root, 'packages', name);
      if (!existsSync(join(dir, 'package.json'))) continue;
      await pnpm(['pack', '--pack-destination', tarballs], dir);
    }
    const destination = join(work, 'my-digits');
    copyApp('mnist', destination, { tarballs });

    const manifest = JSON.parse(readFileSync(join(destination, 'package.json'), 'utf8'));
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    expect(existsSync(join(destination, 'node_modules'))).toBe(false);

    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], destination);
    await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], destination);
    await run('npx', ['vite', 'build', 'web', '--logLevel', 'error'], destination);
    expect(existsSync(join(destination, 'web', 'dist', 'index.html'))).toBe(true);
  });
});

describe('every starter app copies out', () => {
  // apps/README.md offers copy-app for every app: each must depend only on published packages
  // (copyApp refuses private ones such as @loom-ml/test-utils) and keep no workspace: ranges.
  const apps = readdirSync(join(root, 'apps')).filter((name) => existsSync(join(root, 'apps', name, 'package.json')));
  it.each(apps)('%s copies out with published version ranges only', (app) => {
    const destination = join(work, `copy-${app}`);
    copyApp(app, destination);
    const manifest = JSON.parse(readFileSync(join(destination, 'package.json'), 'utf8'));
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    const vitestConfig = join(destination, 'vitest.config.ts');
    if (existsSync(vitestConfig)) expect(readFileSync(vitestConfig, 'utf8')).not.toContain('@loom-ml/test-utils');
  });
});
