// The same file, word for word, in every app (as src/command-line.ts is).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  choice,
  CommandError,
  decimal,
  defineCommand,
  epochsFlag,
  formatUsage,
  formatUsageMarkdown,
  integer,
  list,
  outFlag,
  parseCommandLine,
  portFlag,
  runCommand,
  quietFlag,
  seedFlag,
  startStep,
  text,
  threadsFlag,
  toggle,
  UsageError,
  type Flag,
} from './command-line.js';

const command = defineCommand({
  name: 'pnpm demo',
  summary: 'A command with one flag of every kind.',
  flags: {
    model: choice(['small', 'large'], { description: 'which model', default: 'small' }),
    epochs: epochsFlag(2),
    rate: decimal({ description: 'a rate', min: 0, max: 1 }),
    limit: integer({ description: 'first N rows', min: 1, defaultText: 'all' }),
    like: list({ description: 'a title you like', placeholder: '"TITLE"' }),
    name: text({ description: 'a name', placeholder: 'NAME', default: 'x' }),
    threads: threadsFlag(),
    seed: seedFlag(),
    port: portFlag(),
    out: outFlag('runs', 'where it writes'),
    quiet: quietFlag(),
    full: toggle({ description: 'the long run' }),
  },
  examples: ['pnpm demo --model large'],
});

const withTexts = defineCommand({
  name: 'pnpm score',
  summary: 'Scores texts.',
  flags: { quiet: quietFlag() },
  positionals: { placeholder: '"TEXT" ...', description: 'texts to score', min: 1 },
  examples: ['pnpm score "a text"'],
});

const parse = (argv: string[]) => {
  const parsed = parseCommandLine(command, argv);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
};
const problem = (argv: string[], target: Parameters<typeof parseCommandLine>[0] = command) => {
  try {
    parseCommandLine(target, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('gives every flag its default', () => {
    expect(parse([]).values).toEqual({ model: 'small', epochs: 2, rate: undefined, limit: undefined, like: [], name: 'x', threads: 'auto', seed: 42, port: 3000, out: 'runs', quiet: false, full: false });
    expect(parse([]).given.size).toBe(0);
  });

  it('reads --name value and --name=value, repeated lists, toggles, and keeps the last of a repeated flag', () => {
    const parsed = parse(['--model=large', '--epochs', '5', '--rate', '0.5', '--like', 'A', '--like=B', '--threads', '3', '--quiet', '--epochs', '7', '--out', '/tmp/x']);
    expect(parsed.values).toMatchObject({ model: 'large', epochs: 7, rate: 0.5, like: ['A', 'B'], threads: 3, quiet: true, out: '/tmp/x' });
    expect([...parsed.given].sort()).toEqual(['epochs', 'like', 'model', 'out', 'quiet', 'rate', 'threads']);
  });

  it('ignores -- wherever pnpm or npm put it', () => {
    expect(parse(['--', '--epochs', '3']).values.epochs).toBe(3);
    expect(parse(['--full', '--', '--epochs', '3']).values).toMatchObject({ full: true, epochs: 3 });
    expect(parseCommandLine(command, ['--', '--help'])).toBe('help');
    expect(parseCommandLine(command, ['--full', '--', '-h'])).toBe('help');
  });

  it('answers help even beside a bad flag', () => {
    expect(parseCommandLine(command, ['--epochs', '-1', '--bogus', '--help'])).toBe('help');
    expect(parseCommandLine(command, ['--epochs', '--help'])).toBe('help');
  });

  it('names the flag and what was expected for a bad value', () => {
    expect(problem(['--epochs', '-1'])).toBe("Invalid value for `--epochs` in pnpm demo. Expected an integer from 1 to 10000. Received: '-1'.");
    expect(problem(['--port', '99999'])).toBe("Invalid value for `--port` in pnpm demo. Expected an integer from 0 to 65535. Received: '99999'.");
    expect(problem(['--limit', '0'])).toBe("Invalid value for `--limit` in pnpm demo. Expected a positive integer. Received: '0'.");
    expect(problem(['--seed', '1.5'])).toBe("Invalid value for `--seed` in pnpm demo. Expected an integer >= 0. Received: '1.5'.");
    expect(problem(['--rate', '2'])).toBe("Invalid value for `--rate` in pnpm demo. Expected a number from 0 to 1. Received: '2'.");
    expect(problem(['--model', 'huge'])).toBe("Invalid value for `--model` in pnpm demo. Expected small or large. Received: 'huge'.");
    expect(problem(['--threads', 'many'])).toBe("Invalid value for `--threads` in pnpm demo. Expected auto or an integer from 1 to 64. Received: 'many'.");
    expect(problem(['--out', ''])).toBe("Invalid value for `--out` in pnpm demo. Expected a folder. Received: ''.");
    expect(problem(['--quiet=yes'])).toBe("Invalid value for `--quiet` in pnpm demo. Expected no value: --quiet is on or off. Received: 'yes'.");
  });

  it('takes only plain decimal numbers', () => {
    for (const bad of ['', ' ', '0x10', '1e400', 'NaN', 'Infinity', '3 epochs', '1_000']) expect(problem(['--epochs', bad])).toMatch(/^Invalid value for `--epochs`/);
    expect(parse(['--epochs', '1e2']).values.epochs).toBe(100);
    expect(parse(['--rate', '.25']).values.rate).toBe(0.25);
  });

  it('names a missing value, an unknown flag (with the likely one) and a stray argument', () => {
    expect(problem(['--epochs'])).toBe('Missing value for `--epochs` in pnpm demo. Expected an integer from 1 to 10000 (--epochs N).');
    expect(problem(['--epochs', '--quiet'])).toBe('Missing value for `--epochs` in pnpm demo. Expected an integer from 1 to 10000 (--epochs N).');
    expect(problem(['--epoch', '3'])).toBe('Unknown flag `--epoch` for pnpm demo. Did you mean `--epochs`?');
    expect(problem(['--bogus'])).toBe('Unknown flag `--bogus` for pnpm demo. The flags are listed below.');
    expect(problem(['-x'])).toBe('Unknown flag `-x` for pnpm demo. The flags are listed below.');
    expect(problem(['--toString'])).toBe('Unknown flag `--toString` for pnpm demo. The flags are listed below.');
    expect(problem([`--${'a'.repeat(500)}`])).toBe(`Unknown flag \`--${'a'.repeat(38)}…\` for pnpm demo. The flags are listed below.`);
    expect(problem(['3'])).toBe("Unexpected argument '3' for pnpm demo: it takes only flags (--name value).");
  });

  it('reads positional arguments for a command that takes them, and counts them', () => {
    expect(parseCommandLine(withTexts, ['--', 'good film', '--quiet', '-1 stars'])).toMatchObject({ positionals: ['good film', '-1 stars'], values: { quiet: true } });
    expect(problem([], withTexts)).toBe('Missing "TEXT" ... for pnpm score: give at least 1 (texts to score).');
  });

  it('cuts a long received value', () => {
    expect(problem(['--model', 'y'.repeat(200)])).toBe(`Invalid value for \`--model\` in pnpm demo. Expected small or large. Received: '${'y'.repeat(80)}…' (200 characters).`);
  });
});

describe('defineCommand', () => {
  it('refuses a shared flag under another name, a bad name and no example', () => {
    expect(() => defineCommand({ name: 'pnpm x', summary: '', flags: { rng: seedFlag() }, examples: ['pnpm x'] })).toThrow('pnpm x: the shared flag --seed must be called --seed, not --rng.');
    expect(() => defineCommand({ name: 'pnpm x', summary: '', flags: { batchSize: integer({ description: '' }) }, examples: ['pnpm x'] })).toThrow(/'batchSize' is not a lower-case kebab-case name/);
    expect(() => defineCommand({ name: 'pnpm x', summary: '', flags: { help: toggle({ description: '' }) }, examples: ['pnpm x'] })).toThrow(/'help'/);
    expect(() => defineCommand({ name: 'pnpm x', summary: '', flags: {}, examples: [] })).toThrow('pnpm x: give at least one example.');
  });
});

describe('formatUsage', () => {
  it('lists every flag with its default on one line each, then the examples', () => {
    const usage = formatUsage(command);
    const lines = usage.split('\n');
    expect(lines[0]).toBe('Usage: pnpm demo [flags]');
    expect(lines[1]).toBe('A command with one flag of every kind.');
    for (const [name, flag] of Object.entries(command.flags) as [string, Flag<unknown>][]) {
      const line = lines.filter((l) => l.startsWith(`  --${name} `) || l === `  --${name}` || l.startsWith(`  --${name}  `));
      expect(line, name).toHaveLength(1);
      expect(line[0]).toContain(flag.description);
      if (flag.defaultText !== '') expect(line[0]).toContain(`(default: ${flag.defaultText})`);
    }
    expect(usage).toContain('  --epochs N');
    expect(usage).toContain('  --threads auto|N');
    expect(usage).toContain('  -h, --help');
    expect(usage).toContain('(repeatable)');
    expect(usage.endsWith('Example:\n  pnpm demo --model large')).toBe(true);
    expect(formatUsage(withTexts).split('\n')[0]).toBe('Usage: pnpm score [flags] "TEXT" ...');
  });

  it('makes the README table from the same flags', () => {
    const table = formatUsageMarkdown(command).split('\n');
    expect(table[0]).toBe('| flag | default | what it does |');
    expect(table).toContain('| `--model small\\|large` | small | which model |');
    expect(table).toContain('| `--quiet` |  | print only the last line (what was written where) and errors |');
    expect(table).toHaveLength(2 + Object.keys(command.flags).length);
  });
});

describe('startStep', () => {
  const sink = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, stream: { isTTY, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream };
  };

  it('prints a start and an end line when the output is not a terminal', () => {
    const { written, stream } = sink(false);
    const step = startStep('Loading', { stream });
    step.update(5, 10);
    step.end('10 rows');
    expect(written).toHaveLength(2);
    expect(written[0]).toBe('Loading…\n');
    expect(written[1]).toMatch(/^Loading: 10 rows \(\d+\.\d s\)\.\n$/);
  });

  it('updates one line in place on a terminal, and says nothing when quiet', () => {
    const { written, stream } = sink(true);
    const step = startStep('Loading', { stream });
    step.update(5, 10);
    step.end('done');
    expect(written[1]).toBe('\rLoading… 50%');
    expect(written[2]).toMatch(/^\r\x1b\[KLoading: done/);
    const quiet = sink(true);
    const silent = startStep('Loading', { stream: quiet.stream, quiet: true });
    silent.update(1, 2);
    silent.end('done');
    expect(quiet.written).toEqual([]);
  });
});

describe('runCommand', () => {
  const capture = async (argv: string[], main: () => void) => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = process.stdout.write;
    const stderr = process.stderr.write;
    const exitCode = process.exitCode;
    process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(chunk) > 0) as typeof process.stderr.write;
    try {
      await runCommand(command, main, { argv, forceExit: false });
      return { code: process.exitCode ?? 0, stdout: out.join(''), stderr: err.join('') };
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
      process.exitCode = exitCode;
    }
  };
  const usage = `${formatUsage(command)}\n`;

  it('prints the usage for --help without running the command', async () => {
    let ran = false;
    expect(await capture(['--help'], () => (ran = true))).toEqual({ code: 0, stdout: usage, stderr: '' });
    expect(ran).toBe(false);
  });

  it('prints a bad flag and the usage (exit code 2), also when the command finds the problem', async () => {
    expect(await capture(['--epochs', '0'], () => {})).toEqual({ code: 2, stdout: '', stderr: `Invalid value for \`--epochs\` in pnpm demo. Expected an integer from 1 to 10000. Received: '0'.\n\n${usage}` });
    const thrown = await capture([], () => {
      throw new UsageError('`--full` cannot be combined with `--limit` in pnpm demo.');
    });
    expect(thrown).toEqual({ code: 2, stdout: '', stderr: `\`--full\` cannot be combined with \`--limit\` in pnpm demo.\n\n${usage}` });
  });

  it('prints one line for a failure the user can act on (exit code 1), and a stack trace only for a bug', async () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'runs/model.loom'"), { code: 'ENOENT' });
    const loom = Object.assign(new Error('Invalid value for `k` in recommend.'), { [Symbol.for('loom-ml.error')]: true });
    for (const error of [new CommandError('No trained model in runs/. Train one first: pnpm start'), missing, loom]) {
      expect(
        await capture([], () => {
          throw error;
        }),
      ).toEqual({ code: 1, stdout: '', stderr: `${error.message}\n` });
    }
    const bug = await capture([], () => {
      throw new TypeError('x is undefined');
    });
    expect(bug.code).toBe(1);
    expect(bug.stderr).toMatch(/^TypeError: x is undefined\n\s+at /);
  });
});

describe('readCommandLine, for scripts that run at the top level', () => {
  const folder = mkdtempSync(join(tmpdir(), 'loom-command-line-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const script = join(folder, 'script.mts');
  writeFileSync(
    script,
    `import { CommandError, defineCommand, readCommandLine, toggle } from ${JSON.stringify(new URL('./command-line.ts', import.meta.url).href)};
const command = defineCommand({ name: 'pnpm demo', summary: 'Fails on request.', flags: { fail: toggle({ description: 'fail' }), bug: toggle({ description: 'crash' }) }, examples: ['pnpm demo --fail'] });
const { values } = await readCommandLine(command);
await new Promise((resolve) => setTimeout(resolve, 10));
if (values.fail) throw new CommandError('No saved model in runs/. Run pnpm start first.');
if (values.bug) throw new TypeError('x is undefined');
console.log('ran');
`,
  );
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // From the app's folder, where `--import tsx` resolves.
      execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });

  it.concurrent('runs the script, or answers --help and a bad flag before it starts', async () => {
    const [ran, help, bad] = await Promise.all([run([]), run(['--', '--help']), run(['--nope'])]);
    expect(ran).toEqual({ code: 0, stdout: 'ran\n', stderr: '' });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pnpm demo \[flags\]\nFails on request\.\n/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Unknown flag `--nope` for pnpm demo\. The flags are listed below\.\n\nUsage: pnpm demo/);
  });

  it.concurrent('ends on a later error with one line, or a stack trace for a bug', async () => {
    const [fail, bug] = await Promise.all([run(['--fail']), run(['--bug'])]);
    expect(fail).toEqual({ code: 1, stdout: '', stderr: 'No saved model in runs/. Run pnpm start first.\n' });
    expect(bug.code).toBe(1);
    expect(bug.stderr).toMatch(/^TypeError: x is undefined\n\s+at /);
  });
});
