// Launches the headless Chromium that the browser tests use: the one `pnpm install` brings
// (the npm package @sparticuz/chromium), or the binary at LOOM_CHROMIUM when a user sets it.
// Nothing is skipped: without a browser, launchChromium() throws one line saying how to fix it.
// The same file, word for word, is each app's test/chromium.ts (a copied-out app cannot use the
// private @loom-ml/test-utils, where it lives as src/browser/chromium.ts); a test there keeps them equal.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const INSTALL_HINT = 'run `npx -y pnpm@9.15.9 install` (it installs @sparticuz/chromium) or set LOOM_CHROMIUM=/path/to/chromium';

/**
 * The Chromium binary for the browser tests: LOOM_CHROMIUM when set, otherwise the one in
 * @sparticuz/chromium, unpacked once (about 1 s) into `<tmpdir>/loom-chromium-<version>/`.
 * Several processes may unpack at once: each unpacks into its own folder and renames it into
 * place, so a half-written binary is never seen and the loser's copy is thrown away.
 */
export async function chromiumExecutable(): Promise<string> {
  const fromUser = process.env.LOOM_CHROMIUM;
  if (fromUser !== undefined && fromUser !== '') {
    if (!isExecutableFile(fromUser)) {
      throw new Error(`LOOM_CHROMIUM=${fromUser} is not an executable file: point it at a Chromium binary, or unset it to use the Chromium that pnpm install brings.`);
    }
    return fromUser;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`@sparticuz/chromium ships Chromium for linux-x64 only, not ${process.platform}-${process.arch}: set LOOM_CHROMIUM=/path/to/chromium to run the browser tests.`);
  }
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  } catch {
    throw new Error(`No Chromium for the browser tests (@sparticuz/chromium is not installed): ${INSTALL_HINT}.`);
  }
  const packageDir = join(dirname(entry), '..', '..'); // entry is <package>/build/cjs/index.cjs
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const folder = join(tmpdir(), `loom-chromium-${version}`);
  const executable = join(folder, 'chromium');
  if (existsSync(executable)) return executable;

  // The package unpacks into os.tmpdir(); a child process with its own TMPDIR keeps that
  // away from this process's environment.
  const staging = mkdtempSync(`${folder}.partial-`);
  try {
    const unpack = 'require(process.argv[1]).executablePath().then(() => {}, (error) => { console.error(error.message); process.exit(1); })';
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ['-e', unpack, entry], { env: { ...process.env, TMPDIR: staging } }, (error, _stdout, stderr) => {
        if (error) reject(new Error(stderr.trim().split('\n')[0] || error.message));
        else resolve();
      });
    });
    renameSync(staging, folder);
  } catch (error) {
    // A rename that lost the race to another process is fine: its folder is complete.
    if (!existsSync(executable)) {
      throw new Error(`Could not unpack Chromium from @sparticuz/chromium into ${folder} (${(error as Error).message}): ${INSTALL_HINT}.`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return executable;
}

/**
 * Starts headless Chromium for a test file. Playwright's defaults are all it needs (they
 * include --no-sandbox, --disable-background-networking, --disable-component-update and
 * --no-first-run); none of @sparticuz/chromium's serverless flags are used, since
 * --single-process and --disable-web-security would break cross-origin isolation (COOP/COEP),
 * which the threaded WASM backend needs. --no-zygote saves two idle processes (~70 MB).
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  try {
    return await chromium.launch({ executablePath, headless: true, args: ['--no-zygote'], timeout: 60_000 });
  } catch (error) {
    const fix = process.env.LOOM_CHROMIUM ? 'point LOOM_CHROMIUM at a working Chromium or unset it' : `delete ${dirname(executablePath)} and rerun, or set LOOM_CHROMIUM=/path/to/chromium`;
    throw new Error(`Chromium at ${executablePath} did not start (${launchFailure((error as Error).message)}): ${fix}.`);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The useful line of playwright's multi-line launch error: what the browser printed, or how it exited. */
function launchFailure(message: string): string {
  const printed = [...message.matchAll(/\]\[err\] (.+)/g)].map((match) => match[1]!.trim());
  const reason = printed.find((line) => /error|cannot|fail|not found/i.test(line)) ?? printed[0];
  if (reason !== undefined) return reason;
  const exit = /process did exit: exitCode=(\w+), signal=(\w+)/.exec(message);
  if (exit !== null) return exit[1] === 'null' ? `killed by ${exit[2]}` : `exit code ${exit[1]}`;
  return (message.split('\n')[0] ?? message).replace(/^browserType\.launch: /, '');
}
