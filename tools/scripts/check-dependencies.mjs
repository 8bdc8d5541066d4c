// Lean installs: a published package's `dependencies` must be exactly what its dist imports.
//
// For every file its `exports` map names (JavaScript and `.d.ts`, so `.` and `./node` alike),
// follows relative imports through dist (shared chunks too) and collects the bare specifiers:
// static imports, re-exports, literal dynamic `import()` and `require()`, `require.resolve('x/…')`
// (files of another package found at run time) and type imports in the declarations (comments,
// such as JSDoc examples, are ignored). Then it reports
//   - an import that neither `dependencies` nor `peerDependencies` declares (the install breaks),
//   - a `dependencies` entry nothing in dist imports (the install is heavier than it needs to be:
//     move it to `devDependencies` if scripts, benches or tests use it).
// Node builtins and the package's own name are not dependencies. `peerDependencies` may hold a
// package dist does not import (`@tensorflow/tfjs-core` is every package's peer by convention).
//
//   node tools/scripts/check-dependencies.mjs [packages/<name> ...]   (default: every package)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Every file path (`./dist/x.js`, `./dist/x.d.ts`) an `exports` map names, in any condition. */
export function exportedFiles(exportsField) {
  const files = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (/\.(m?js|d\.m?ts)$/.test(value)) files.add(value);
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  visit(exportsField);
  return [...files];
}

/** `@scope/name/deep/path` → `@scope/name`; `name/deep` → `name`. */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveRelative(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = /\.(m?js|d\.m?ts)$/.test(base) ? [base] : [`${base}.js`, `${base}.d.ts`, join(base, 'index.js'), join(base, 'index.d.ts')];
  // `.d.ts` files import `./chunk.js` meaning `./chunk.d.ts`.
  if (base.endsWith('.js')) candidates.push(base.replace(/\.js$/, '.d.ts'));
  return candidates.find((file) => existsSync(file));
}

/**
 * Literal first arguments of `require.resolve(…)`, `createRequire(…).resolve(…)` and
 * `import.meta.resolve(…)` (for a template literal, its text up to the first substitution).
 */
export function resolvedSpecifiers(file, text) {
  const found = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const isResolver = (node) =>
    (ts.isIdentifier(node) && /^require/.test(node.text)) ||
    (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && /^createRequire/.test(node.expression.text)) ||
    (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword);
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'resolve' && isResolver(node.expression.expression)) {
      const [first] = node.arguments;
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) found.push(first.text);
      else if (first && ts.isTemplateExpression(first)) found.push(first.head.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The bare specifiers reachable from `entries` (absolute paths), following relative imports.
 * Returns a Map from package name to the set of dist files (relative to `dir`) importing it.
 */
export function distImports(dir, entries) {
  const imports = new Map();
  const seen = new Set();
  const queue = [...entries];
  const missing = [];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specifiers = ts.preProcessFile(text, true, true).importedFiles.map(({ fileName }) => fileName);
    if (/\.m?js$/.test(file)) specifiers.push(...resolvedSpecifiers(file, text).filter((specifier) => !/^[./]/.test(specifier)));
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = resolveRelative(file, specifier);
        if (target) queue.push(target);
        else if (!/\.(wasm|json|css)$/.test(specifier)) missing.push(`${relative(dir, file)} imports '${specifier}', which is not in dist`);
        continue;
      }
      if (specifier.startsWith('node:') || isBuiltin(specifier)) continue;
      const name = packageName(specifier);
      if (!imports.has(name)) imports.set(name, new Set());
      imports.get(name).add(relative(dir, file));
    }
  }
  return { imports, missing };
}

/** Findings (strings) for one package folder; an empty list means its dependencies are lean. */
export function checkDependencies(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const findings = [];
  const entries = exportedFiles(manifest.exports ?? {}).map((file) => resolve(dir, file));
  const absent = entries.filter((file) => !existsSync(file));
  if (absent.length > 0) return [`${manifest.name}: ${absent.map((file) => relative(dir, file)).join(', ')} not built; run \`pnpm build\` first`];
  if (entries.length === 0) return [`${manifest.name}: no dist file in its exports map`];
  const { imports, missing } = distImports(dir, entries);
  findings.push(...missing.map((line) => `${manifest.name}: ${line}`));
  const dependencies = Object.keys(manifest.dependencies ?? {});
  const declared = new Set([...dependencies, ...Object.keys(manifest.peerDependencies ?? {})]);
  for (const [name, files] of [...imports].sort(([a], [b]) => a.localeCompare(b))) {
    if (name === manifest.name || declared.has(name)) continue;
    const where = manifest.devDependencies?.[name] ? ' (it is only a devDependency, which users do not get)' : '';
    findings.push(`${manifest.name}: ${[...files].sort().join(', ')} imports '${name}', which is not in dependencies or peerDependencies${where}`);
  }
  for (const name of dependencies.sort()) {
    if (!imports.has(name)) findings.push(`${manifest.name}: dependency '${name}' is imported by none of its dist entries; move it to devDependencies if scripts, benches or tests need it, else remove it`);
  }
  return findings;
}

/** Published (non-private) package folders under `root/packages`. */
export function publishedPackageDirs(root) {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .map((name) => join(packagesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')) && !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private)
    .sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(import.meta.dirname, '../..');
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((dir) => resolve(dir)) : publishedPackageDirs(root);
  const findings = dirs.flatMap((dir) => checkDependencies(dir));
  for (const line of findings) console.error(line);
  if (findings.length > 0) process.exit(1);
  console.log(`dependencies: ${dirs.length} package(s) import exactly what they declare`);
}
