// vitest globalSetup (root vitest.config.ts): unpacks Chromium once, before the test forks start,
// so parallel browser test files find it ready. A failure is left to the tests themselves, which
// fail with the one-line fix; the rest of the suite still runs.
import { chromiumExecutable } from './chromium.js';

export default async function unpackChromium(): Promise<void> {
  await chromiumExecutable().catch(() => {});
}
