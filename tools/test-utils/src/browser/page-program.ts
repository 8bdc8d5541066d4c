// Builds a page from a small test program and serves it, the way a user's bundler and web
// server would: esbuild with --platform=browser, ESM and no externals (so a package whose main
// entry reaches a Node builtin fails here), served from 127.0.0.1, optionally with the COOP/COEP
// headers that make a page crossOriginIsolated.
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';

export interface BundlePageOptions {
  /** The page program (TS or JS); it calls `exposeToTest` from `@loom-ml/test-utils/page`. */
  entry: string | URL;
  /**
   * A package folder whose built `dist/index.js` the program imports by the package's name, as
   * a user of the published package would. Run `pnpm build` first.
   */
  packageDir?: string | URL;
  /** More import aliases (name → absolute path). */
  alias?: Record<string, string>;
  /** Files copied next to the bundle, by their base name (e.g. `.wasm` binaries). */
  assets?: string[];
  /** Files written next to the bundle: name → contents (e.g. a CSV the page fetches). */
  files?: Record<string, string | Uint8Array>;
}

/** A folder holding `index.html` and `app.js`, the bundled program, plus its assets. */
export interface BundledPage {
  dir: string;
  remove(): Promise<void>;
}

const toPath = (value: string | URL): string => (value instanceof URL ? fileURLToPath(value) : value);

/**
 * Bundles a page program with esbuild (`platform: 'browser'`, `format: 'esm'`, no externals)
 * into a fresh temporary folder with an `index.html` that loads it as a module.
 *
 * @example
 * const page = await bundlePage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
 */
export async function bundlePage(options: BundlePageOptions): Promise<BundledPage> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-page-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const alias = { ...options.alias };
    if (options.packageDir !== undefined) {
      const packageDir = toPath(options.packageDir);
      const { name } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { name: string };
      const distEntry = join(packageDir, 'dist', 'index.js');
      await stat(distEntry).catch(() => {
        throw new Error(`${distEntry} is missing: run \`npx -y pnpm@9.15.9 build\` before the browser tests.`);
      });
      alias[name] = distEntry;
    }
    await build({
      entryPoints: [toPath(options.entry)],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: join(dir, 'app.js'),
      alias,
      logLevel: 'silent',
    });
    await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>loom test page</title><script type="module" src="./app.js"></script>\n');
    for (const asset of options.assets ?? []) await copyFile(asset, join(dir, basename(asset)));
    for (const [name, contents] of Object.entries(options.files ?? {})) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), contents);
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface ServeOptions {
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy:
   * require-corp`, so the page is crossOriginIsolated and may share memory with workers.
   */
  crossOriginIsolated?: boolean;
}

export interface FolderServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
}

/** Serves a folder's files on 127.0.0.1 at an ephemeral port (`/` is `index.html`). */
export async function serveFolder(folder: string, options: ServeOptions = {}): Promise<FolderServer> {
  const root = await realpath(folder);
  const headers: Record<string, string> = options.crossOriginIsolated
    ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
    : {};
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = resolve(root, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
    const inside = file.startsWith(root + sep);
    void (inside ? stat(file) : Promise.reject(new Error('outside'))).then(
      (info) => {
        if (!info.isFile()) throw new Error('not a file');
        response.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
        createReadStream(file).pipe(response);
      },
    ).catch(() => {
      response.writeHead(404, headers).end('not found');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** Calls a function the page program exposed with `exposeToTest`, and returns its result. */
export async function callPage<T = unknown>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return (await page.evaluate(
    async ([fn, fnArgs]) => {
      const api = (globalThis as { loomPage?: Record<string, (...a: unknown[]) => unknown> }).loomPage;
      if (api === undefined) throw new Error('The page program has not called exposeToTest().');
      const target = api[fn as string];
      if (typeof target !== 'function') throw new Error(`The page program exposes no function '${String(fn)}' (it has ${Object.keys(api).join(', ')}).`);
      return await target(...(fnArgs as unknown[]));
    },
    [name, args] as const,
  )) as T;
}

/** Navigates to `url` and waits until the page program has called `exposeToTest`. */
export async function gotoPageProgram(page: Page, url: string): Promise<void> {
  const errors: string[] = [];
  const onError = (error: Error) => errors.push(error.message);
  page.on('pageerror', onError);
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'loomPage' in globalThis, undefined, { timeout: 20_000 });
  } catch (error) {
    const reason = errors.length > 0 ? `the page threw: ${errors.join(' | ')}` : (error as Error).message.split('\n')[0];
    throw new Error(`The page program at ${url} did not start (${reason}).`);
  } finally {
    page.off('pageerror', onError);
  }
}

export interface OpenPageOptions extends BundlePageOptions, ServeOptions {}

/** A page program bundled, served and open in its own Chromium. */
export interface OpenPage {
  browser: Browser;
  page: Page;
  /** The served folder (bundle and assets) and its address. */
  dir: string;
  url: string;
  /** Calls a function the page program exposed. */
  call<T = unknown>(name: string, ...args: unknown[]): Promise<T>;
  /** Reloads the page and waits for the program to start again. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Bundles a page program, serves it and opens it in a fresh Chromium: one call per test file
 * (in `beforeAll`), `close()` in `afterAll`.
 *
 * @example
 * const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
 * expect(await opened.call('meanSquaredError')).toBeCloseTo(2.5, 6);
 * await opened.close();
 */
export async function openPage(options: OpenPageOptions): Promise<OpenPage> {
  const [bundled, launched] = await Promise.allSettled([bundlePage(options), launchChromium()]);
  if (bundled.status === 'rejected' || launched.status === 'rejected') {
    if (bundled.status === 'fulfilled') await bundled.value.remove();
    if (launched.status === 'fulfilled') await launched.value.close();
    throw bundled.status === 'rejected' ? bundled.reason : (launched as PromiseRejectedResult).reason;
  }
  const bundle = bundled.value;
  const browser = launched.value;
  let server: FolderServer | undefined;
  try {
    server = await serveFolder(bundle.dir, options);
    const page = await browser.newPage();
    await gotoPageProgram(page, server.url);
    const url = server.url;
    const opened = server;
    return {
      browser,
      page,
      dir: bundle.dir,
      url,
      call: (name, ...args) => callPage(page, name, ...args),
      reload: () => gotoPageProgram(page, url),
      close: async () => {
        await browser.close();
        await opened.close();
        await bundle.remove();
      },
    };
  } catch (error) {
    await browser.close();
    await server?.close();
    await bundle.remove();
    throw error;
  }
}
