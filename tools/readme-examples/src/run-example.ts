// Runs one README example as a user would: in Node.js, as a module file of the user's project
// (TypeScript stripped by esbuild, as `tsx` or a bundler would), or in a Chromium page, bundled
// by esbuild for the browser with nothing external and served from 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, transform } from 'esbuild';
import { serveFolder, type Browser } from '@loom-ml/test-utils/browser';

export interface RunResult {
  ok: boolean;
  /** What the example printed (stdout and stderr, or the page's console), then the error if any. */
  output: string;
  seconds: number;
}

/** `verbatimModuleSyntax`: an import that names a type without `type` fails, as it does for such users. */
const tsconfigRaw = { compilerOptions: { verbatimModuleSyntax: true } };

const loaderOf = (lang: string): 'ts' | 'js' => (lang === 'ts' || lang === 'typescript' ? 'ts' : 'js');

/** The example as plain JavaScript (types stripped, comments dropped). */
export async function toJavaScript(code: string, lang: string): Promise<string> {
  const result = await transform(code, { loader: loaderOf(lang), format: 'esm', target: 'es2022', tsconfigRaw });
  return result.code;
}

/** Runs the example with `node` in `workDir` (inside the project, so imports resolve from its node_modules). */
export async function runInNode(code: string, lang: string, workDir: string, timeoutMs: number): Promise<RunResult> {
  const started = performance.now();
  await mkdir(workDir, { recursive: true });
  const file = join(workDir, 'example.mjs');
  await writeFile(file, await toJavaScript(code, lang));
  // Only what a user's shell would have: no NODE_OPTIONS or loaders from the test runner.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(NODE_OPTIONS|NODE_PATH|VITEST.*|npm_.*)$/i.test(name)));
  return await new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: workDir, env, timeout: timeoutMs, maxBuffer: 64 * 2 ** 20, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trimEnd();
      const seconds = (performance.now() - started) / 1000;
      if (error === null) resolve({ ok: true, output, seconds });
      else {
        const why = error.killed ? `did not finish within ${timeoutMs / 1000} s (killed)` : `exited with code ${String(error.code)}`;
        resolve({ ok: false, output: `${output}\n[node ${why}]`, seconds });
      }
    });
  });
}

export interface PageFixtures {
  /** Files served beside the page, by URL path (`data/loans.csv.gz` is fetched as `/data/loans.csv.gz`). */
  served?: Record<string, string | Uint8Array>;
  /** A file put into the page's `<input type="file">` before the example runs. */
  inputFile?: { name: string; mimeType: string; buffer: Buffer };
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>README example</title>
<input type="file">
<script>
  // The example is imported only when the test says so (after it has picked a file, say);
  // a module with top-level await settles when the example has finished.
  window.__runExample = () =>
    import('./example.js').then(
      () => ({ ok: true }),
      (error) => ({ ok: false, error: (error && error.stack) || String(error) }),
    );
</script>
`;

/**
 * Bundles the example for the browser (esbuild, platform browser, ESM, no externals) from
 * `workDir` inside the project, serves it with COOP/COEP (so the WASM backend may use threads)
 * and runs it in a new page of `browser`. Uncaught errors and `console.error` fail the run.
 */
export async function runInBrowser(browser: Browser, code: string, lang: string, workDir: string, fixtures: PageFixtures, timeoutMs: number): Promise<RunResult> {
  const started = performance.now();
  const site = join(workDir, 'site');
  await mkdir(site, { recursive: true });
  const entry = join(workDir, `example.${loaderOf(lang)}`);
  await writeFile(entry, code);
  const lines: string[] = [];
  const seconds = () => (performance.now() - started) / 1000;
  try {
    await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(site, 'example.js'), tsconfigRaw, logLevel: 'silent' });
  } catch (error) {
    return { ok: false, output: `esbuild --bundle --platform=browser failed:\n${(error as Error).message}`, seconds: seconds() };
  }
  await writeFile(join(site, 'index.html'), PAGE);
  for (const [path, contents] of Object.entries(fixtures.served ?? {})) {
    await mkdir(join(site, path, '..'), { recursive: true });
    await writeFile(join(site, path), contents);
  }
  const server = await serveFolder(site, { crossOriginIsolated: true });
  const page = await browser.newPage();
  let failedInPage = false;
  page.on('console', (message) => {
    lines.push(`[console.${message.type()}] ${message.text()}`);
    if (message.type() === 'error') failedInPage = true;
  });
  page.on('pageerror', (error) => {
    lines.push(`[uncaught] ${error.stack ?? error.message}`);
    failedInPage = true;
  });
  try {
    await page.goto(server.url, { timeout: timeoutMs });
    if (fixtures.inputFile !== undefined) await page.setInputFiles('input[type=file]', fixtures.inputFile);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ ok: false; error: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: `did not finish within ${timeoutMs / 1000} s` }), timeoutMs);
    });
    const result = await Promise.race([page.evaluate(() => (window as unknown as { __runExample(): Promise<{ ok: boolean; error?: string }> }).__runExample()), timeout]);
    clearTimeout(timer);
    if (!result.ok) lines.push(`[example failed] ${result.error}`);
    return { ok: result.ok && !failedInPage, output: lines.join('\n'), seconds: seconds() };
  } finally {
    await page.close();
    await server.close();
  }
}
