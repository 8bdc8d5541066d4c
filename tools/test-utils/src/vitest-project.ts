import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const setupCpu = fileURLToPath(new URL('./setup-cpu.ts', import.meta.url));

export interface LoomProjectOptions {
  /** Project name shown in vitest's output. */
  name: string;
  /** Register tfjs's cpu backend and every tfjs-core gradient before the tests (default true). */
  cpuBackend?: boolean;
  /** Extra vitest `test` options for this project. */
  test?: UserWorkspaceConfig['test'];
}

/**
 * The vitest project every Loom package uses, so all packages test the same way.
 *
 * tfjs-core's gradient definitions ship only as untranspiled ES modules inside a
 * CommonJS package, so vitest must transform (inline) them instead of handing them
 * to Node. Its kernel and gradient registries live on the global object, so the
 * inlined copy registers into the same registry as the CommonJS bundle.
 */
export function defineLoomProject(options: LoomProjectOptions): UserWorkspaceConfig {
  const setupFiles = options.cpuBackend === false ? [] : [setupCpu];
  return defineProject({
    test: {
      name: options.name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles,
      server: { deps: { inline: [/@tensorflow\/tfjs-core\/dist\/(?!tf-core)/] } },
      ...options.test,
    },
  });
}
