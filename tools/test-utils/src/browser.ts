// `@loom-ml/test-utils/browser`: real-Chromium tests for Node's vitest (see ./browser/*.ts).
export { chromiumExecutable, launchChromium } from './browser/chromium.js';
export { bundlePage, callPage, gotoPageProgram, openPage, serveFolder } from './browser/page-program.js';
export type { BundledPage, BundlePageOptions, FolderServer, OpenPage, OpenPageOptions, ServeOptions } from './browser/page-program.js';
export type { Browser, Page } from 'playwright-core';
