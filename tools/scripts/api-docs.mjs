#!/usr/bin/env node
// Builds the API reference of every published package with TypeDoc (docs/api/, git-ignored)
// and fails when an export has no doc comment, naming the package, the export and its file.
//
// A package's public API is each entry of its package.json `exports` (`.` is src/index.ts,
// `./node` is src/node.ts, ...: the source file its `types` come from). All entries go into one
// TypeScript program whose `@loom-ml/*` imports resolve to the packages' sources, so the
// reference needs no `pnpm build` and a re-export links to the package that defines it.
//
//   pnpm docs:api            reference in docs/api/index.html, then the check
//   pnpm docs:api --check    the check alone (no HTML)
//
// Nothing is downloaded: TypeDoc and its highlighter are devDependencies.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Application, Comment, Converter, LogLevel, ReflectionKind } from 'typedoc';

// Packages whose exports do not all have doc comments yet: built into the reference, but not
// checked. Each entry says why; remove it as soon as the package is documented. Keep it empty.
const PENDING = {};

// What the check requires: a comment on each declaration an entry exports (function, class,
// constant, interface, type), and on each public method and accessor of an exported class or
// interface (a class method may take its comment from the interface method it implements).
// Properties and option fields are documented where it helps, not required. A re-export, or an
// inherited method, is checked where it is declared.
const REQUIRED_KINDS =
  ReflectionKind.Namespace | ReflectionKind.Enum | ReflectionKind.Variable | ReflectionKind.Function |
  ReflectionKind.Class | ReflectionKind.Interface | ReflectionKind.TypeAlias;
const REQUIRED_MEMBER_KINDS = ReflectionKind.Method | ReflectionKind.Accessor;
const MEMBER_OWNER_KINDS = ReflectionKind.Class | ReflectionKind.Interface;

/** Every published package under `root`/packages with its entries: `[{ name, dir, description, entries: [{ subpath, file }] }]`. */
export function publishedPackages(root) {
  const packagesDir = join(root, 'packages');
  const found = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, folder);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private) continue;
    const entries = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const types = typeof target === 'string' ? target : target.types;
      if (!types?.endsWith('.d.ts')) continue; // ./package.json
      const file = join(dir, types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
      if (!existsSync(file)) {
        throw new Error(`${manifest.name}: the export "${subpath}" has types ${types}, but its source ${relative(root, file)} does not exist.`);
      }
      entries.push({ subpath, file });
    }
    found.push({ name: manifest.name, dir, description: manifest.description ?? '', entries });
  }
  return found;
}

/**
 * Whether a declaration has a doc comment of its own. `ownComments` holds the reflections that
 * had one when TypeDoc created them: later, TypeDoc copies the comment of an extended interface
 * or base class to one without (`DenseArgs` would show LayerArgs' "Options every layer
 * accepts."), which must not count.
 */
function hasDocComment(reflection, ownComments) {
  if (ownComments.has(reflection)) return true;
  // A function's comment sits on its signature(s); a type alias or constant of a function type
  // has it on the type's signature.
  const signatures = [...(reflection.signatures ?? []), ...(reflection.type?.declaration?.signatures ?? [])];
  return signatures.some((signature) => ownComments.has(signature));
}

/** Whether a method or accessor has a comment, its own or the one of the interface method it implements. */
function memberHasComment(member) {
  const parts = [member, ...(member.signatures ?? []), member.getSignature, member.setSignature];
  return parts.some((part) => part?.hasComment());
}

/**
 * Converts the packages of the monorepo at `root` with TypeDoc, writes the HTML reference to
 * `root`/docs/api unless `checkOnly`, and returns what the check found:
 * `{ packages, undocumented: [{ pkg, entry, name, kind, file }], typedocErrors }`.
 * `pending` names packages whose exports are not checked.
 */
export async function buildApiDocs({ root, checkOnly = false, pending = [], logLevel = LogLevel.Warn }) {
  const packages = publishedPackages(root);
  for (const name of pending) {
    if (!packages.some((p) => p.name === name)) throw new Error(`PENDING names ${name}, which is not a published package.`);
  }

  // One program over every package's sources; `@loom-ml/<pkg>[/<entry>]` maps to the entry's source.
  const paths = {};
  const moduleNames = new Map(); // entry file -> { specifier: '@loom-ml/pkg' or '@loom-ml/pkg/node', pkg }
  for (const pkg of packages) {
    for (const { subpath, file } of pkg.entries) {
      const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      paths[specifier] = [relative(root, file)];
      moduleNames.set(file, { specifier, pkg });
    }
  }
  const cacheDir = join(root, 'node_modules/.cache/loom');
  mkdirSync(cacheDir, { recursive: true });
  const tsconfig = join(cacheDir, 'tsconfig.api-docs.json');
  const config = {
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: { noEmit: true, declaration: false, sourceMap: false, baseUrl: root, paths },
    include: packages.map((p) => join(p.dir, 'src/**/*.ts')),
    exclude: packages.map((p) => join(p.dir, 'src/**/*.test.ts')),
  };
  writeFileSync(tsconfig, JSON.stringify(config, null, 2));

  const out = join(root, 'docs/api');
  const app = await Application.bootstrapWithPlugins({
    name: 'Loom API reference',
    entryPoints: [...moduleNames.keys()],
    entryPointStrategy: 'resolve',
    tsconfig,
    out,
    readme: 'none',
    excludeExternals: true,
    excludePrivate: true,
    excludeInternal: true,
    skipErrorChecking: true, // `pnpm typecheck` checks the types; this only reads them
    disableSources: true,
    githubPages: false,
    highlightLanguages: ['typescript', 'javascript', 'ts', 'js', 'json', 'sh', 'bash', 'html', 'python', 'scala', 'text'],
    // The doc-comment check is findUndocumented below: TypeDoc's notDocumented would also require
    // every method's signature, and names an export less plainly.
    validation: { notExported: false, invalidLink: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true },
    treatValidationWarningsAsErrors: true,
    logLevel,
  });

  // Name each entry's page after its import specifier, described by the package.json description.
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const entry = file && moduleNames.get(resolve(file));
    if (!entry) return;
    reflection.name = entry.specifier;
    if (!reflection.comment) {
      const node = entry.specifier === entry.pkg.name ? '' : ` The \`${entry.specifier.slice(entry.pkg.name.length + 1)}\` entry (Node.js only where it is \`node\`).`;
      reflection.comment = new Comment([{ kind: 'text', text: `${entry.pkg.description}${node}` }]);
    }
  });

  const ownComments = new WeakSet();
  const noteOwnComment = (_context, reflection) => {
    if (reflection.hasComment()) ownComments.add(reflection);
  };
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, noteOwnComment);
  app.converter.on(Converter.EVENT_CREATE_SIGNATURE, noteOwnComment);

  const project = await app.convert();
  if (!project) return { packages, undocumented: [], typedocErrors: true };
  app.validate(project);

  // Every exported declaration without a doc comment, once (an export re-exported by another entry is one).
  const undocumented = [];
  const seen = new Set();
  for (const entry of project.children ?? []) {
    for (const reflection of entry.children ?? []) {
      if (!reflection.kindOf(REQUIRED_KINDS) || seen.has(reflection)) continue;
      seen.add(reflection);
      if (hasDocComment(reflection, ownComments)) continue;
      const id = project.getSymbolIdFromReflection(reflection);
      const pkg = id && packages.find((p) => p.name === id.packageName);
      if (!pkg || pending.includes(pkg.name)) continue;
      undocumented.push({
        pkg: pkg.name,
        entry: entry.name,
        name: reflection.name,
        kind: ReflectionKind.singularString(reflection.kind),
        file: relative(root, join(pkg.dir, id.packagePath)),
      });
    }
  }
  // Public methods and accessors of the exported classes and interfaces, once per declaration.
  const seenMembers = new Set();
  for (const entry of project.children ?? []) {
    for (const owner of entry.children ?? []) {
      if (!owner.kindOf(MEMBER_OWNER_KINDS)) continue;
      for (const member of owner.children ?? []) {
        if (!member.kindOf(REQUIRED_MEMBER_KINDS) || member.flags.isPrivate || member.flags.isProtected) continue;
        if (memberHasComment(member)) continue;
        const id = project.getSymbolIdFromReflection(member);
        const pkg = id && packages.find((p) => p.name === id.packageName);
        if (!pkg || pending.includes(pkg.name)) continue;
        const key = `${id.packageName}/${id.packagePath}#${id.qualifiedName}`;
        if (seenMembers.has(key)) continue;
        seenMembers.add(key);
        undocumented.push({
          pkg: pkg.name,
          entry: entry.name,
          name: id.qualifiedName,
          kind: ReflectionKind.singularString(member.kind),
          file: relative(root, join(pkg.dir, id.packagePath)),
        });
      }
    }
  }

  const typedocErrors = app.logger.hasErrors();
  if (!checkOnly && !typedocErrors && undocumented.length === 0) await app.generateDocs(project, out);
  return { packages, undocumented, typedocErrors: typedocErrors || app.logger.hasErrors() };
}

async function main() {
  const root = resolve(import.meta.dirname, '../..');
  const checkOnly = process.argv.includes('--check');
  const pending = Object.keys(PENDING);
  const started = Date.now();
  const { packages, undocumented, typedocErrors } = await buildApiDocs({ root, checkOnly, pending });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (pending.length) {
    console.log(`api-docs: not yet checked (PENDING in tools/scripts/api-docs.mjs):`);
    for (const name of pending) console.log(`  ${name}: ${PENDING[name]}`);
  }
  if (undocumented.length) {
    console.error(`\napi-docs: ${undocumented.length} export(s) or method(s) without a doc comment:`);
    for (const u of undocumented) console.error(`  ${u.pkg}  ${u.name} (${u.kind}, exported by ${u.entry})  ${u.file}`);
    console.error('Each export, and each public method of an exported class or interface, needs a /** ... */ comment saying what it is and why to use it (CONTRIBUTING.md, "API reference").');
  }
  if (typedocErrors || undocumented.length) {
    console.error(`api-docs: failed after ${seconds}s${typedocErrors ? ' (TypeDoc errors above)' : ''}.`);
    process.exitCode = 1;
    return;
  }
  const entryCount = packages.reduce((n, p) => n + p.entries.length, 0);
  console.log(
    `api-docs: ${packages.length} packages, ${entryCount} entries, every export and public method documented${pending.length ? ' (except the pending packages)' : ''}; ${checkOnly ? 'checked' : 'reference in docs/api/index.html'} in ${seconds}s.`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
