// esbuild plugin used by tsup: lets src/gradient-configs.ts import tfjs-core's gradient configs,
// which ship only as untranspiled ES modules inside the CommonJS tfjs-core package.
//
// The gradient files (and the few internal ops they need) are bundled; every tfjs-core module
// they import whose exports are available from the public '@tensorflow/tfjs-core' entry is
// replaced by a re-export of those public bindings. So the bundle holds no second copy of the
// engine, Tensor class, flags or IO routers and runs nothing at import time; the engine and
// kernel/gradient registries are the ones tfjs-core itself uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const coreMain = require.resolve('@tensorflow/tfjs-core');
const coreDist = path.dirname(coreMain);
const core = require('@tensorflow/tfjs-core');
const NAMESPACES = ['util', 'backend_util', 'tensor_util', 'slice_util', 'broadcast_util'];

function publicSource(name) {
  if (name in core) return { kind: 'root' };
  for (const ns of NAMESPACES) if (core[ns] && typeof core[ns] === 'object' && name in core[ns]) return { kind: 'ns', ns };
  return null;
}

function exportNames(source, file) {
  const names = new Set();
  for (const m of source.matchAll(/^export \* from '([^']+)'/gm)) {
    let target = path.resolve(path.dirname(file), m[1]);
    if (!target.endsWith('.js')) target += '.js';
    for (const name of exportNames(readFileSync(target, 'utf8'), target)) names.add(name);
  }
  for (const m of source.matchAll(/^export (?:async )?(?:function\*?|const|let|var|class) (\w+)/gm)) names.add(m[1]);
  for (const m of source.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) {
      const alias = part.trim().split(/\s+as\s+/).pop();
      if (alias) names.add(alias);
    }
  }
  return [...names];
}

// Modules whose importers need bindings tfjs-core does not make public: bundle the real file.
const FORCE_BUNDLE = new Set([]);

// Hand-written shims for the private bindings the bundled files need. (types.js itself is not
// bundled: its enums compile to top-level IIFEs that bundlers cannot drop.)
const EXTRA = {
  // Copies of tfjs-core 4.22.0's two private type guards, used by tensor_util_env.
  types: [
    "export function isWebGLData(values) { return values != null && typeof values === 'object' && 'texture' in values && values.texture instanceof WebGLTexture; }",
    "export function isWebGPUData(values) { return typeof GPUBuffer !== 'undefined' && values != null && typeof values === 'object' && 'buffer' in values && values.buffer instanceof GPUBuffer; }",
  ].join('\n'),
  engine: "import { engine } from '@tensorflow/tfjs-core';\nexport const ENGINE = /* @__PURE__ */ engine();",
  // tfjs-core's public Tensor is the global Tensor class that getGlobalTensorClass() returns.
  tensor: "import { Tensor as GlobalTensor } from '@tensorflow/tfjs-core';\nexport const getGlobalTensorClass = () => GlobalTensor;",
};

export const shimmedModules = new Set();
export const bundledModules = new Set();

export function tfjsCoreInternals() {
  return {
    name: 'tfjs-core-internals',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        let file;
        if (args.path.startsWith('@tensorflow/tfjs-core/dist/')) file = require.resolve(args.path);
        // Only imports made by the bundled files; tfjs-core's own modules (loaded when a build
        // bundles its public entry too, as the tree-shaking test does) resolve normally.
        else if (args.path.startsWith('.') && args.resolveDir.startsWith(coreDist) && (args.namespace === 'tfjs-core-internal' || /[\\/]gradients[\\/]/.test(args.importer))) {
          file = path.resolve(args.resolveDir, args.path);
          if (!file.endsWith('.js')) file += '.js';
        } else return undefined;
        const relative = path.relative(coreDist, file).replace(/\\/g, '/').replace(/\.js$/, '');
        if (relative.startsWith('gradients/')) return { path: file, namespace: 'file' };
        return { path: relative, namespace: 'tfjs-core-internal', pluginData: { file } };
      });
      // ComplexAbs_grad.js reads `absGradConfig.gradFunc` at top level, a property read that
      // bundlers must keep (and with it both configs); a wrapper reads it only when called.
      build.onLoad({ filter: /[\\/]tfjs-core[\\/]dist[\\/]gradients[\\/]\w+_grad\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        return { contents: source.replace(/gradFunc: (\w+)\.gradFunc,/g, 'gradFunc: (...args) => $1.gradFunc(...args),'), loader: 'js' };
      });
      build.onLoad({ filter: /.*/, namespace: 'tfjs-core-internal' }, (args) => {
        const file = args.pluginData.file;
        const source = readFileSync(file, 'utf8');
        if (args.path === 'engine') {
          shimmedModules.add(args.path);
          return { contents: EXTRA.engine + '\n', loader: 'js', resolveDir: coreDist };
        }
        // Re-export the public subset; if an importer needs a private binding, esbuild fails
        // the build with "No matching export", and the module goes into FORCE_BUNDLE.
        const sources = exportNames(source, file)
          .map((name) => [name, publicSource(name)])
          .filter(([, s]) => s !== null);
        if (!FORCE_BUNDLE.has(args.path) && sources.length > 0) {
          shimmedModules.add(args.path);
          const root = sources.filter(([, s]) => s.kind === 'root').map(([n]) => n);
          const lines = [];
          if (root.length) lines.push(`export { ${root.join(', ')} } from '@tensorflow/tfjs-core';`);
          const byNs = sources.filter(([, s]) => s.kind === 'ns');
          const used = [...new Set(byNs.map(([, s]) => s.ns))];
          if (used.length) lines.push(`import { ${used.join(', ')} } from '@tensorflow/tfjs-core';`);
          // A property read at top level counts as a side effect to bundlers, so each one is an
          // annotated pure call: an app that never calls registerGradients drops all of them.
          for (const [name, s] of byNs) lines.push(`export const ${name} = /* @__PURE__ */ (() => ${s.ns}.${name})();`);
          if (EXTRA[args.path]) lines.push(EXTRA[args.path]);
          // resolveDir lets a build that bundles tfjs-core too (the tree-shaking test) resolve it.
          return { contents: lines.join('\n') + '\n', loader: 'js', resolveDir: coreDist };
        }
        bundledModules.add(args.path);
        // tfjs-core marks its public ops `/* @__PURE__ */ op({...})` but not these internal ones.
        const contents = source.replace(/^(export const \w+ = )op\(\{/gm, '$1/* @__PURE__ */ op({');
        return { contents, loader: 'js', resolveDir: path.dirname(file) };
      });
    },
  };
}
