import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const apps = fileURLToPath(new URL('../../../apps', import.meta.url));

describe('files the HTTP apps keep word for word', () => {
  // apps/fraud-service and apps/movie-recs each copy out standalone, so each keeps its own copy
  // of the HTTP guard (limits, rate limit, Host allowlist, API key, strict JSON) and its test
  // helpers; the copies must not drift apart.
  it.each(['src/http-guard.ts', 'src/http-guard.test.ts', 'test/raw-http.ts', 'test/service-process.ts'])('%s is the same in fraud-service and movie-recs', (file) => {
    expect(readFileSync(join(apps, 'movie-recs', file), 'utf8')).toBe(readFileSync(join(apps, 'fraud-service', file), 'utf8'));
  });
});
