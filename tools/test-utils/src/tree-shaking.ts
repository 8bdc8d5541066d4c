import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

export interface KeptModulesOptions {
  /** Extra esbuild plugins the package's own build uses (e.g. wasm's tfjs-core internals). */
  plugins?: Plugin[];
  /** Packages to leave out of the bundle (their import statements count as kept code). */
  external?: string[];
}

// Every package ships its src/ bundled into one dist file, where `"sideEffects": false` cannot
// drop a module any more: a bundler can only drop unused top-level statements. This plugin makes
// the package's own modules look side-effectful, so a test sees exactly what survives in dist.
function asOneFile(srcDir: string): Plugin {
  return {
    name: 'as-one-file',
    setup(buildApi) {
      buildApi.onResolve({ filter: /^\./ }, (args) => {
        if (!args.resolveDir.startsWith(srcDir)) return undefined;
        const base = resolve(args.resolveDir, args.path);
        const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base];
        const path = candidates.find((file) => existsSync(file) && /\.[cm]?[jt]s$/.test(file));
        return path === undefined ? undefined : { path };
      });
    },
  };
}

export interface KeptModules {
  /** Modules of the package's own `src/`, relative to it: `core/layers/dense.ts`. */
  own: string[];
  /** Everything else: paths after the last `node_modules/` (`@tensorflow/tfjs-core/dist/ops/abs.js`) or plugin namespaces. */
  others: string[];
}

/**
 * The modules that stay in an app bundle that uses only `imports` from a package, with the
 * package bundled the way its single-file dist is (see `asOneFile`), sorted.
 *
 * @example
 * const { own } = await modulesKeptFor(packageDir, ['meanSquaredError']);
 * expect(own).not.toContain('poisson.ts');
 */
export async function modulesKeptFor(packageDir: string, imports: string[], options: KeptModulesOptions = {}): Promise<KeptModules> {
  const srcDir = join(packageDir, 'src');
  const result = await build({
    stdin: { contents: `export { ${imports.join(', ')} } from './src/index.ts';\n`, resolveDir: packageDir, loader: 'ts' },
    absWorkingDir: packageDir,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // Node builtins stay imports, so a package whose main entry still reaches one can be checked.
    external: ['node:*', ...(options.external ?? [])],
    treeShaking: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [asOneFile(srcDir), ...(options.plugins ?? [])],
  });
  const [output] = Object.values(result.metafile.outputs);
  const kept: KeptModules = { own: [], others: [] };
  for (const [path, input] of Object.entries(output!.inputs)) {
    if (input.bytesInOutput === 0) continue;
    const absolute = resolve(packageDir, path);
    if (absolute.startsWith(`${srcDir}/`)) kept.own.push(relative(srcDir, absolute));
    else kept.others.push(path.includes('node_modules/') ? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length) : path);
  }
  kept.own.sort();
  kept.others.sort();
  return kept;
}
