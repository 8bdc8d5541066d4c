#!/usr/bin/env node
// What `npm install @loom-ml/<name>` puts on a user's disk, measured from the packed tarballs.
//
// Packs every published package the way `pnpm publish` would (workspace ranges become
// versions), then for each package installs its tarball plus @tensorflow/tfjs-core into an empty
// temporary project with npm, every @loom-ml dependency pointed at its local tarball (npm
// `overrides`), and prints the size of node_modules: the sum of file sizes, what `du
// --apparent-size` reports. Needs the npm registry for tfjs-core and third-party packages.
//
//   node tools/scripts/install-size.mjs [@loom-ml/<name> ...] [--max-mb N]
//   (default: every published package; --max-mb fails the run when one install is bigger)
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publishedPackageDirs } from './check-dependencies.mjs';

const root = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const maxIndex = args.indexOf('--max-mb');
const maxMb = maxIndex >= 0 ? Number(args[maxIndex + 1]) : Infinity;
const wanted = args.filter((arg, i) => arg.startsWith('@') && (maxIndex < 0 || i !== maxIndex + 1));
const TFJS_CORE = '@tensorflow/tfjs-core@4.22.0';

const execPath = process.env.npm_execpath ?? '';
const pnpm = /pnpm/.test(execPath) ? { command: process.execPath, prefix: [execPath] } : { command: 'npx', prefix: ['-y', 'pnpm@9.15.9'] };
const run = (command, commandArgs, cwd) => execFileSync(command, commandArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Sum of the sizes of every regular file under `dir` (symlinks not followed) and the file count. */
function treeSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = treeSize(path);
      bytes += inner.bytes;
      files += inner.files;
    } else if (entry.isFile()) {
      bytes += lstatSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

/** Installed packages (node_modules/<name> and node_modules/@scope/<name>) with their sizes. */
function installedPackages(modules) {
  const packages = [];
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@') ? readdirSync(join(modules, entry.name)).map((inner) => `${entry.name}/${inner}`) : [entry.name];
    for (const name of names) packages.push({ name, ...treeSize(join(modules, name)) });
  }
  return packages.sort((a, b) => b.bytes - a.bytes);
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);
const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'loom-install-size-'));
try {
  const manifests = new Map(
    publishedPackageDirs(root).map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return [manifest.name, { dir, manifest }];
    }),
  );
  const names = wanted.length > 0 ? wanted : [...manifests.keys()];
  const unknown = names.filter((name) => !manifests.has(name));
  if (unknown.length > 0) throw new Error(`not a published package: ${unknown.join(', ')}`);
  // Pack only the measured packages and the workspace packages they depend on.
  const needed = new Set();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.pop();
    if (needed.has(name) || !manifests.has(name)) continue;
    needed.add(name);
    queue.push(...Object.keys(manifests.get(name).manifest.dependencies ?? {}));
  }
  const tarballs = new Map();
  const packDir = join(work, 'tarballs');
  mkdirSync(packDir);
  for (const name of needed) {
    const before = new Set(readdirSync(packDir));
    run(pnpm.command, [...pnpm.prefix, 'pack', '--pack-destination', packDir], manifests.get(name).dir);
    tarballs.set(name, join(packDir, readdirSync(packDir).find((file) => !before.has(file))));
  }

  const overrides = Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`]));
  const rows = [];
  for (const name of names) {
    const project = join(work, name.replace('/', '+'));
    mkdirSync(project);
    const manifest = { name: 'loom-install-size', private: true, dependencies: { [name]: `file:${tarballs.get(name)}` }, overrides };
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    const begun = performance.now();
    run('npm', ['install', TFJS_CORE, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'], project);
    const seconds = (performance.now() - begun) / 1000;
    const modules = join(project, 'node_modules');
    const total = treeSize(modules);
    const packages = installedPackages(modules);
    rows.push({ name, ...total, count: packages.length, biggest: packages.slice(0, 3), seconds });
    rmSync(project, { recursive: true, force: true });
  }

  console.log('| package | npm install size (with tfjs-core) | packages | biggest |');
  console.log('|---|---|---|---|');
  for (const row of rows) {
    const biggest = row.biggest.map((p) => `${p.name} ${mb(p.bytes)} MB`).join(', ');
    console.log(`| \`${row.name}\` | ${mb(row.bytes)} MB (${row.files} files) | ${row.count} | ${biggest} |`);
  }
  const seconds = rows.map((row) => `${row.name} ${row.seconds.toFixed(1)} s`).join(', ');
  console.log(`\nnpm install times: ${seconds}; whole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const over = rows.filter((row) => row.bytes > maxMb * 1e6);
  if (over.length > 0) {
    console.error(`\n${over.map((row) => `${row.name}: ${mb(row.bytes)} MB installed, over the ${maxMb} MB limit`).join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
