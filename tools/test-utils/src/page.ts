// The page side of the browser tests: a page program (bundled by `bundlePage`/`openPage` from
// `@loom-ml/test-utils/browser`) hands the test the functions it may call.

/** A function the test calls in the page; its arguments and result cross as JSON-like values. */
export type PageFunction = (...args: any[]) => unknown;

/**
 * Makes `api`'s functions callable from the test (`opened.call('name', ...args)`).
 *
 * @example
 * exposeToTest({ async meanSquaredError() { return (await meanSquaredError(a, b).data())[0]; } });
 */
export function exposeToTest(api: Record<string, PageFunction>): void {
  (globalThis as { loomPage?: Record<string, PageFunction> }).loomPage = api;
}
