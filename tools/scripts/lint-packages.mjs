#!/usr/bin/env node
// Packs every published package the way `pnpm publish` would, then checks the
// tarball with `publint --strict` and `attw` (ESM-only profile, see README),
// that it ships nothing but dist/ and the package's docs, and that its
// `dependencies` are exactly what dist imports (check-dependencies.mjs); then
// checks every package's bundle-size budget (bundle-size.mjs). Exits 1 on any finding.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatTable, measureAll } from './bundle-size.mjs';
import { checkDependencies } from './check-dependencies.mjs';

const root = resolve(import.meta.dirname, '../..');
// dist/ plus docs; data/ only for packages that ship datasets (with data/ATTRIBUTION.md).
const allowedFiles = /^package\/(dist\/.*|data\/.*|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/;

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const packagesDir = join(root, 'packages');
const packageDirs = existsSync(packagesDir)
  ? readdirSync(packagesDir)
      .map((name) => join(packagesDir, name))
      .filter((dir) => existsSync(join(dir, 'package.json')))
  : [];

// pnpm is on PATH only inside `pnpm <script>`; run directly, fall back to the pinned pnpm via npx.
const execPath = process.env.npm_execpath ?? '';
const pnpm = /pnpm/.test(execPath)
  ? { command: process.execPath, prefix: [execPath] }
  : { command: 'npx', prefix: ['-y', 'pnpm@9.15.9'] };

const failures = [];
for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  const out = mkdtempSync(join(tmpdir(), 'loom-pack-'));
  try {
    run(pnpm.command, [...pnpm.prefix, 'pack', '--pack-destination', out], dir);
    const tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')));
    const listing = run('tar', ['-tzf', tarball], dir).trim().split('\n');
    const stray = listing.filter((file) => !allowedFiles.test(file));
    if (stray.length > 0) failures.push(`${manifest.name}: tarball contains files outside dist/: ${stray.join(', ')}`);
    if (!listing.some((file) => file === 'package/README.md')) failures.push(`${manifest.name}: no README.md`);
    for (const [tool, args] of [
      ['publint', ['run', '--strict', '--pack', 'false', tarball]],
      ['attw', [tarball, '--profile', 'esm-only', '--format', 'ascii']],
    ]) {
      try {
        const text = run(join(root, 'node_modules/.bin', tool), args, dir);
        if (tool === 'publint' && !/All good/.test(text)) failures.push(`${manifest.name}: publint:\n${text}`);
      } catch (error) {
        failures.push(`${manifest.name}: ${tool} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }
    failures.push(...checkDependencies(dir));
    console.log(`checked ${manifest.name}: ${listing.length} files, publint + attw + dependencies`);
    // `--list` prints each tarball's contents (pnpm 9's `pnpm pack` has no --dry-run).
    if (process.argv.includes('--list')) for (const file of listing) console.log(`  ${file}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const bundles = await measureAll(root);
console.log(`\nbundle sizes (tools/bundle-budgets.json):\n${formatTable(bundles.results)}`);
failures.push(...bundles.failures);

if (failures.length > 0) {
  console.error(`\nlint:packages found ${failures.length} problem(s):\n\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log(`lint:packages: ${packageDirs.length} package(s) clean`);
