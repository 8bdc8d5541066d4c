// The same file, word for word, in every app (as src/command-line.ts is): the checks every
// command of every app passes, run against the real scripts in package.json.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatUsage, formatUsageMarkdown, type Command } from '../src/command-line.js';

/** One script of the app's package.json and the command it runs. */
export interface CommandCase {
  /** The package.json script: `start`, `full`, `serve`. */
  script: string;
  command: Command;
  /** A bad value for one of its flags: `['--epochs', '-1']`. */
  badValue: readonly [flag: string, value: string];
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The app's scripts that run a TypeScript file with tsx: `{ start: ['src/cli.ts'], full: ['src/cli.ts', '--full'] }`. */
function tsxScripts(app: URL): Map<string, string[]> {
  const manifest = JSON.parse(readFileSync(new URL('package.json', app), 'utf8')) as { scripts: Record<string, string> };
  const scripts = new Map<string, string[]>();
  for (const [name, line] of Object.entries(manifest.scripts)) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'tsx') scripts.set(name, words.slice(1));
  }
  return scripts;
}

/** Runs a script as `pnpm <script> <args>` would (without pnpm, which adds a second or two per run). */
function run(app: URL, words: string[], args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ...words, ...args],
      // A command that wrongly accepted the flags would start training or serving: the timeout ends it, and the test fails.
      { cwd: fileURLToPath(app), timeout: 30_000, env: { ...process.env, LOOM_API_KEY: '', NODE_OPTIONS: '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    );
  });
}

const stackTrace = /^\s+at .+:\d+:\d+\)?$/m;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Registers the convention's tests for an app: every tsx script in package.json has a case;
 * for each one, `--help` and `-- --help` print the usage and exit with 0, an unknown flag and a
 * bad value print one line naming the flag, then the usage, and exit with 2, never a stack
 * trace; the README holds each command's flag table as `formatUsageMarkdown` makes it.
 *
 * @example
 * checkCommandLines(new URL('..', import.meta.url), [{ script: 'start', command: trainCommand, badValue: ['--epochs', '-1'] }]);
 */
export function checkCommandLines(app: URL, cases: readonly CommandCase[]): void {
  const scripts = tsxScripts(app);

  it('has a case for every script in package.json', () => {
    expect(cases.map((c) => c.script).sort()).toEqual([...scripts.keys()].sort());
  });

  it("README.md lists every command's flags as its usage does", () => {
    const readme = readFileSync(new URL('README.md', app), 'utf8');
    for (const command of new Set(cases.map((c) => c.command))) {
      const table = formatUsageMarkdown(command);
      expect(readme.includes(table), `README.md should hold this table for ${command.name}:\n\n${table}\n`).toBe(true);
    }
  });

  for (const { script, command, badValue } of cases) {
    const usage = `${formatUsage(command)}\n`;
    const words = () => {
      const found = scripts.get(script);
      if (found === undefined) throw new Error(`package.json has no tsx script '${script}'.`);
      return found;
    };

    describe.concurrent(`pnpm ${script}`, () => {
      it('--help prints the usage and exits with 0', async () => {
        expect(await run(app, words(), ['--help'])).toEqual({ code: 0, stdout: usage, stderr: '' });
      });

      it('-- --help (as pnpm and npm pass it) does the same', async () => {
        expect(await run(app, words(), ['--', '--help'])).toEqual({ code: 0, stdout: usage, stderr: '' });
      });

      it('an unknown flag prints one line and the usage, and exits with 2', async () => {
        const outcome = await run(app, words(), ['--no-such-flag', '1']);
        expect(outcome.stderr).not.toMatch(stackTrace);
        expect(outcome).toEqual({ code: 2, stdout: '', stderr: `Unknown flag \`--no-such-flag\` for ${command.name}. The flags are listed below.\n\n${usage}` });
      });

      it(`a bad value (${badValue.join(' ')}) names the flag, prints the usage, and exits with 2`, async () => {
        const outcome = await run(app, words(), [...badValue]);
        expect(outcome.stderr).not.toMatch(stackTrace);
        const [line, ...rest] = outcome.stderr.split('\n');
        expect(line).toMatch(new RegExp(`^Invalid value for \`${escaped(badValue[0])}\` in ${escaped(command.name)}\\. Expected .+\\. Received: '${escaped(badValue[1])}'\\.$`));
        expect({ code: outcome.code, stdout: outcome.stdout, rest: rest.join('\n') }).toEqual({ code: 2, stdout: '', rest: `\n${usage}` });
      });
    });
  }
}
