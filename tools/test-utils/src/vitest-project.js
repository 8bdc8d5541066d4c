// Plain JavaScript (with types in vitest-project.d.ts): vitest loads config files
// through Node, which cannot import a .ts file from a linked workspace package.
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const setupCpu = fileURLToPath(new URL('./setup-cpu.ts', import.meta.url));

/**
 * The vitest project every Loom package uses, so all packages test the same way.
 *
 * tfjs-core's gradient definitions ship only as untranspiled ES modules inside a
 * CommonJS package, so vitest must transform (inline) them instead of handing them
 * to Node. Its kernel and gradient registries live on the global object, so the
 * inlined copy registers into the same registry as the CommonJS bundle.
 *
 * @param {import('./vitest-project').LoomProjectOptions} options
 */
export function defineLoomProject(options) {
  const setupFiles = options.cpuBackend === false ? [] : [setupCpu];
  return defineProject({
    test: {
      name: options.name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles,
      server: { deps: { inline: [/@tensorflow\/tfjs-core\/dist\/(?!tf-core)/] } },
      // Projects do not inherit the root config's timeouts; CI shares 2 cores between two
      // forks, so a test that takes 1 s alone can take several times that there.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...options.test,
    },
  });
}
