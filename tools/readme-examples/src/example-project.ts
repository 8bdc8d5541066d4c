// A user's project, made the way a README tells a user to make it: the workspace packages packed
// into tarballs as `pnpm publish` would pack them, then a fresh folder outside the repository
// with exactly the install line's packages installed. Node resolves imports from that folder's
// node_modules only, so an example cannot lean on something the monorepo happens to hold.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export const repoRoot = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');

/** The pinned pnpm: the one running `pnpm test` when it is, otherwise through npx. */
function pnpmCommand(): { command: string; prefix: string[] } {
  const execPath = process.env.npm_execpath ?? '';
  return /pnpm/.test(execPath) ? { command: process.execPath, prefix: [execPath] } : { command: 'npx', prefix: ['-y', 'pnpm@9.15.9'] };
}

export function run(command: string, args: string[], options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(new Error(`${command} ${args.join(' ')} failed in ${options.cwd}: ${error.message}\n${stdout}\n${stderr}`), { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

export function pnpm(args: string[], cwd: string, timeoutMs?: number) {
  const { command, prefix } = pnpmCommand();
  // npm_config_* from an outer `pnpm test` (workspace settings) must not leak into the user's project.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
  return run(command, [...prefix, ...args], { cwd, timeoutMs, env });
}

/** The published packages: name → folder. */
export function workspacePackages(): Map<string, string> {
  const packages = new Map<string, string>();
  for (const entry of readdirSync(join(repoRoot, 'packages'))) {
    const manifestPath = join(repoRoot, 'packages', entry, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; private?: boolean };
    if (!manifest.private) packages.set(manifest.name, join(repoRoot, 'packages', entry));
  }
  return packages;
}

/**
 * Packs every published package into `destination` (one `pnpm pack` per package, run by one
 * `pnpm -r exec`, so `workspace:^` ranges become versions as on npm). Returns name → tarball.
 */
export async function packWorkspace(destination: string): Promise<Map<string, string>> {
  const packages = workspacePackages();
  for (const [name, dir] of packages) {
    if (!existsSync(join(dir, 'dist'))) throw new Error(`${name} has no dist/: run \`npx -y pnpm@9.15.9 build\` before the README examples.`);
  }
  await mkdir(destination, { recursive: true });
  await pnpm(['-r', '--filter', './packages/*', 'exec', 'pnpm', 'pack', '--pack-destination', destination], repoRoot, 600_000);
  const tarballs = new Map<string, string>();
  const files = readdirSync(destination);
  for (const name of packages.keys()) {
    const prefix = `${name.replace(/^@/, '').replace('/', '-')}-`;
    const file = files.find((f) => f.startsWith(prefix) && /^\d+\.\d+\.\d+.*\.tgz$/.test(f.slice(prefix.length)));
    if (file === undefined) throw new Error(`pnpm pack left no tarball for ${name} in ${destination} (found: ${files.join(', ')}).`);
    // pnpm's store keys a local tarball by its relative path: a folder named by the content keeps
    // two runs at once (other worktrees, other branches) from sharing a key for different bytes.
    const hash = createHash('sha256').update(readFileSync(join(destination, file))).digest('hex').slice(0, 16);
    await mkdir(join(destination, hash));
    await rename(join(destination, file), join(destination, hash, file));
    tarballs.set(name, join(destination, hash, file));
  }
  return tarballs;
}

/**
 * Installs `specs` (an install line) into a fresh project folder, as `npm install <specs>`
 * would, with pnpm (its strict node_modules gives a block only what the line names, and its
 * store makes a second install of the same line fast). `@loom-ml/*` come from the tarballs,
 * also when another package depends on them (overrides), since they are not on the registry.
 */
export async function installProject(dir: string, specs: string[], tarballs: Map<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Relative tarball paths (../tarballs/<content hash>/name.tgz) let runs share pnpm's store entries.
  const local = (tarball: string) => `file:${relative(dir, tarball)}`;
  const manifest = {
    name: 'readme-example',
    version: '0.0.0',
    private: true,
    type: 'module',
    pnpm: { overrides: Object.fromEntries([...tarballs].map(([name, tarball]) => [name, local(tarball)])) },
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const resolved = specs.map((spec) => {
    const tarball = tarballs.get(spec);
    if (tarball !== undefined) return local(tarball);
    if (spec.startsWith('@loom-ml/')) throw new Error(`The install line names ${spec}, which is not a published workspace package (${[...tarballs.keys()].join(', ')}).`);
    return spec;
  });
  await pnpm(['add', '--prefer-offline', '--config.strict-peer-dependencies=false', ...resolved], dir, 600_000);
}
