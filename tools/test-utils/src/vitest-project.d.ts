import type { UserWorkspaceConfig } from 'vitest/config';

export interface LoomProjectOptions {
  /** Project name shown in vitest's output (the package folder name). */
  name: string;
  /** Register tfjs's cpu backend and every tfjs-core gradient before the tests (default true). */
  cpuBackend?: boolean;
  /** Extra vitest `test` options for this project. */
  test?: UserWorkspaceConfig['test'];
}

/** The vitest project every Loom package uses, so all packages test the same way. */
export function defineLoomProject(options: LoomProjectOptions): UserWorkspaceConfig;
