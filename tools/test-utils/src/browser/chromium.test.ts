import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chromiumExecutable, launchChromium } from './chromium.js';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'loom-chromium-test-'));
const saved = { LOOM_CHROMIUM: process.env.LOOM_CHROMIUM, TMPDIR: process.env.TMPDIR };
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the apps’ copies of the launcher', () => {
  // A copied-out app cannot import this private package, so each app with a browser test keeps
  // this file word for word; one launcher, one behaviour, one failure message.
  const apps = readdirSync(join(repoRoot, 'apps')).filter((app) => existsSync(join(repoRoot, 'apps', app, 'test', 'browser.test.ts')));

  it('covers every app with a browser test', () => {
    expect(apps.sort()).toEqual(['fraud-service', 'mnist', 'movie-recs', 'support-desk', 'text-generation']);
  });

  it.each(apps)('apps/%s/test/chromium.ts is identical to src/browser/chromium.ts', (app) => {
    const canonical = readFileSync(fileURLToPath(new URL('./chromium.ts', import.meta.url)), 'utf8');
    expect(readFileSync(join(repoRoot, 'apps', app, 'test', 'chromium.ts'), 'utf8')).toBe(canonical);
  });
});

describe('chromiumExecutable and launchChromium', () => {
  it('fails with one line naming LOOM_CHROMIUM when it points at no executable file', async () => {
    process.env.LOOM_CHROMIUM = join(scratch, 'no-such-chromium');
    await expect(launchChromium()).rejects.toThrow(
      new Error(`LOOM_CHROMIUM=${join(scratch, 'no-such-chromium')} is not an executable file: point it at a Chromium binary, or unset it to use the Chromium that pnpm install brings.`),
    );
  });

  it('fails with one line holding the browser’s own error when it cannot start', async () => {
    const broken = join(scratch, 'broken-chromium');
    writeFileSync(broken, '#!/bin/sh\necho "broken-chromium: error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory" >&2\nexit 127\n');
    chmodSync(broken, 0o755);
    process.env.LOOM_CHROMIUM = broken;
    const error: Error = await launchChromium().then(
      () => new Error('launched'),
      (reason: Error) => reason,
    );
    expect(error.message).toBe(
      `Chromium at ${broken} did not start (broken-chromium: error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory): point LOOM_CHROMIUM at a working Chromium or unset it.`,
    );
  });

  it('unpacks @sparticuz/chromium once when several callers race, leaving no partial folders', async () => {
    delete process.env.LOOM_CHROMIUM;
    const fresh = mkdtempSync(join(scratch, 'tmp-'));
    process.env.TMPDIR = fresh;
    const paths = await Promise.all([chromiumExecutable(), chromiumExecutable()]);
    expect(new Set(paths).size).toBe(1);
    expect(paths[0]).toMatch(new RegExp(`^${fresh}/loom-chromium-\\d+\\.\\d+\\.\\d+/chromium$`));
    expect(readdirSync(fresh)).toHaveLength(1);
    rmSync(fresh, { recursive: true, force: true });
  });

  it('launches the unpacked Chromium', async () => {
    delete process.env.LOOM_CHROMIUM;
    const browser = await launchChromium();
    try {
      expect(browser.version()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    } finally {
      await browser.close();
    }
  });
});

