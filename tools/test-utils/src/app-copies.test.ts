import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const apps = fileURLToPath(new URL('../../../apps', import.meta.url));

describe('files the HTTP apps keep word for word', () => {
  // Each HTTP app (one with src/http-guard.ts) copies out standalone, so each keeps its own copy
  // of the HTTP guard (limits, rate limit, Host allowlist, API key, strict JSON), of the service
  // flags that set it from the command line, and of their tests and the tests' helpers; the
  // copies must not drift apart. apps/fraud-service holds the copy the others must equal.
  const httpApps = readdirSync(apps).filter((app) => app !== 'fraud-service' && existsSync(join(apps, app, 'src', 'http-guard.ts')));
  const files = ['src/http-guard.ts', 'src/http-guard.test.ts', 'src/service-flags.ts', 'src/service-flags.test.ts', 'test/raw-http.ts', 'test/service-process.ts'];

  it('covers movie-recs at least', () => {
    expect(httpApps).toContain('movie-recs');
  });

  it.each(httpApps.flatMap((app) => files.map((file) => [app, file])))('apps/%s/%s is the same as in apps/fraud-service', (app, file) => {
    const path = join(apps, app, file);
    expect(existsSync(path), `apps/${app} has no ${file}: copy it from apps/fraud-service (see apps/README.md).`).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(apps, 'fraud-service', file), 'utf8'));
  });
});

describe('files every app keeps word for word', () => {
  // The command-line convention (apps/README.md): every app reads its flags with the same small
  // file and checks its scripts with the same test helper, so `--help`, a bad flag and the exit
  // codes behave alike everywhere. apps/mnist holds the copy the others must equal.
  const everyApp = readdirSync(apps).filter((app) => existsSync(join(apps, app, 'package.json')));
  const files = ['src/command-line.ts', 'src/command-line.test.ts', 'test/command-line-checks.ts'];

  it.each(everyApp.filter((app) => app !== 'mnist').flatMap((app) => files.map((file) => [app, file])))('apps/%s/%s is the same as in apps/mnist', (app, file) => {
    const path = join(apps, app, file);
    expect(existsSync(path), `apps/${app} has no ${file}: copy it from apps/mnist (see apps/README.md, "Command-line convention").`).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(apps, 'mnist', file), 'utf8'));
  });

  it.each(everyApp)('apps/%s checks every command with the shared helper (test/cli.test.ts)', (app) => {
    const path = join(apps, app, 'test', 'cli.test.ts');
    expect(existsSync(path), `apps/${app}/test/cli.test.ts should call checkCommandLines for every script (see apps/README.md).`).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain('checkCommandLines(');
  });
});
