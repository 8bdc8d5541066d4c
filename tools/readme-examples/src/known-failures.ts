// README blocks known to fail today, by README and the name of the block that starts the example
// (as the test names it), with why. A listed block still runs and must still fail: once it passes,
// the test fails until its entry is removed. Keep this list empty; it is printed on every run.
export const KNOWN_FAILURES: Record<string, string> = {};
