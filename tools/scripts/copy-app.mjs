#!/usr/bin/env node
// Copies an app out of the monorepo as a standalone starter project:
//   node tools/scripts/copy-app.mjs <app> <destination> [--tarballs <dir>]
// `workspace:*` dependencies become the published versions (`^0.1.0`), or, with --tarballs,
// `file:` links to tarballs made by `pnpm pack` (how the test checks a copy before a release).
// The copy's tsconfig inlines the monorepo's base options, so it needs nothing from here.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// The copy-out test is about this monorepo, not part of the starter.
const skipped = new Set(['node_modules', 'runs', 'dist', '.turbo', 'copy-out.test.ts']);

/** Reads every workspace package's name, version and folder. */
function workspacePackages() {
  const packages = new Map();
  for (const group of ['packages', 'tools']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifestPath = join(dir, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      packages.set(manifest.name, { version: manifest.version, private: manifest.private === true, dir: join(dir, name) });
    }
  }
  return packages;
}

/** The tarball `pnpm pack` wrote for a package: `loom-ml-layers-0.1.0.tgz`. */
function tarballFor(name, version, tarballDir) {
  const file = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
  const path = join(tarballDir, file);
  if (!existsSync(path)) throw new Error(`copy-app: no tarball for ${name}@${version} in ${tarballDir} (expected ${file}; run \`pnpm pack\` in its folder).`);
  return `file:${path}`;
}

export function copyApp(app, destination, { tarballs } = {}) {
  const source = join(root, 'apps', app);
  if (!existsSync(join(source, 'package.json'))) throw new Error(`copy-app: no app "${app}" in ${join(root, 'apps')}.`);
  if (existsSync(destination) && readdirSync(destination).length > 0) throw new Error(`copy-app: ${destination} is not empty; pick a new folder.`);
  const packages = workspacePackages();
  cpSync(source, destination, { recursive: true, filter: (path) => !skipped.has(basename(path)) });

  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (!String(range).startsWith('workspace:')) continue;
      const info = packages.get(name);
      if (info === undefined) throw new Error(`copy-app: ${app} depends on ${name}, which is not in this workspace.`);
      if (info.private) {
        throw new Error(`copy-app: ${app} depends on the private package ${name}; apps may only use published packages.`);
      }
      manifest[field][name] = tarballs ? tarballFor(name, info.version, tarballs) : `^${info.version}`;
    }
  }
  if (tarballs) {
    // Packed packages name each other by version; point those at the tarballs too.
    manifest.overrides = Object.fromEntries(
      [...packages].filter(([, info]) => !info.private).map(([name, info]) => [name, tarballFor(name, info.version, tarballs)]),
    );
  }
  manifest.name = basename(destination);
  writeFileSync(join(destination, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  const tsconfigPath = join(destination, 'tsconfig.json');
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
  delete tsconfig.extends;
  tsconfig.compilerOptions = { ...base.compilerOptions, ...tsconfig.compilerOptions };
  writeFileSync(tsconfigPath, `${JSON.stringify(tsconfig, null, 2)}\n`);
  return { destination, dependencies: manifest.dependencies };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { tarballs: { type: 'string' } } });
  const [app, destination] = positionals;
  if (!app || !destination) {
    console.error('Usage: node tools/scripts/copy-app.mjs <app> <destination> [--tarballs <dir>]');
    process.exit(2);
  }
  try {
    const result = copyApp(app, resolve(destination), { tarballs: values.tarballs && resolve(values.tarballs) });
    console.log(`Copied apps/${app} to ${relative(process.cwd(), result.destination) || '.'}. Next: cd there, npm install, npm start.`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
