// The command-line convention of the Loom starter apps (see apps/README.md in the Loom
// repository). This file is the same, word for word, in every app, so that each app still copies
// out on its own; a test in the repository keeps the copies equal. It uses nothing but Node.
//
//   --help / -h      prints the usage (every flag, its default, an example) and exits with 0;
//   a bad flag       prints one line naming the flag and what was expected, then the usage, and
//                    exits with 2 (an unknown flag, a missing value, a value out of range);
//   --               is ignored wherever it appears (pnpm and npm pass it on to the script);
//   --name value and --name=value are the same; a flag given twice keeps its last value.

/** What kind of argument a flag takes. */
export type FlagKind = 'value' | 'toggle' | 'list';

/**
 * One flag of a command: how it looks in the usage and how its text becomes a value. Build flags
 * with {@link integer}, {@link decimal}, {@link text}, {@link choice}, {@link toggle},
 * {@link list} or the shared ones ({@link seedFlag}, {@link threadsFlag}, ...).
 */
export interface Flag<T> {
  readonly kind: FlagKind;
  /** How the value is written in the usage: `N`, `DIR`, `mlp|cnn`; '' for a toggle. */
  readonly placeholder: string;
  /** One line: what the flag does. */
  readonly description: string;
  /** The default as the usage prints it; '' when the flag has none. */
  readonly defaultText: string;
  /** What a good value is, for error messages: 'a positive integer'. */
  readonly expected: string;
  /** The value when the flag is not given. */
  readonly fallback: T;
  /** For the shared flags: the one name the flag must have in every app (`seed`, `port`). */
  readonly conventionalName?: string;
  /** The value of one occurrence's text, or undefined when the text is not a good value. */
  parse(text: string): T | undefined;
}

/** Positional arguments a command takes (most take none). */
export interface Positionals {
  /** How they are written in the usage: `"review text" ...`. */
  readonly placeholder: string;
  /** One line: what they are. */
  readonly description: string;
  /** How many are needed (default 0). */
  readonly min?: number;
}

/** A command: its name as users type it, what it does, its flags and an example. */
export interface Command<F extends Record<string, Flag<unknown>> = Record<string, Flag<unknown>>> {
  /** As users type it in the app's folder: `pnpm start`. */
  readonly name: string;
  /** One sentence: what it does. */
  readonly summary: string;
  /** The flags by name, without the leading `--`, in the order the usage lists them. */
  readonly flags: F;
  readonly positionals?: Positionals;
  /** Example command lines (at least one). */
  readonly examples: readonly string[];
  /** Lines printed after the flags: environment variables, where output goes. */
  readonly notes?: readonly string[];
}

/** The values of a command's flags, by flag name. */
export type FlagValues<F extends Record<string, Flag<unknown>>> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

/** A parsed command line. */
export interface Parsed<F extends Record<string, Flag<unknown>>> {
  values: FlagValues<F>;
  positionals: string[];
  /** The flags given on the command line (the others have their defaults). */
  given: ReadonlySet<keyof F & string>;
}

/**
 * A command line that cannot run: the message names the flag and what was expected. The runner
 * prints it, then the usage, and exits with 2.
 *
 * @example
 * throw new UsageError(invalidFlag(command, 'user', 'either --user or --like, not both', '--user 4 --like ...'));
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A failure the user can act on that is not about the flags (no saved model in the folder, a
 * port in use): the runner prints its message as one line and exits with 1.
 *
 * @example
 * throw new CommandError('No trained model in runs/. Train one first: pnpm start');
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/**
 * The one message form for a bad flag value:
 * "Invalid value for `--epochs` in pnpm start. Expected a positive integer. Received: '-1'."
 *
 * @example
 * invalidFlag(command, 'port', 'an integer from 0 to 65535', '99999');
 */
export function invalidFlag(command: Pick<Command, 'name'>, flag: string, expected: string, received: string): string {
  return `Invalid value for \`--${flag}\` in ${command.name}. Expected ${expected}. Received: ${quoted(received)}.`;
}

/** A received value as messages show it: quoted, and cut to 80 characters. */
function quoted(text: string): string {
  return text.length > 80 ? `'${text.slice(0, 80)}…' (${text.length} characters)` : `'${text}'`;
}

interface NumberOptions {
  description: string;
  min?: number;
  max?: number;
  placeholder?: string;
  /** The default as the usage prints it, when the number alone says too little ('2 (MLP), 1 (CNN)'). */
  defaultText?: string;
}

function range(kind: string, min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (kind === 'an integer' && min === 1) return 'a positive integer';
  if (min !== undefined) return `${kind} >= ${min}`;
  if (max !== undefined) return `${kind} <= ${max}`;
  return kind;
}

function numberFlag(kind: 'an integer' | 'a number', options: NumberOptions & { default?: number }): Flag<number | undefined> {
  const { min, max } = options;
  const fallback = options.default;
  return {
    kind: 'value',
    placeholder: options.placeholder ?? (kind === 'an integer' ? 'N' : 'X'),
    description: options.description,
    defaultText: options.defaultText ?? (fallback === undefined ? '' : String(fallback)),
    expected: range(kind, min, max),
    fallback,
    parse(text) {
      // Number('') is 0 and Number('0x10') is 16: only plain decimal numbers are accepted.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return undefined;
      const value = Number(text);
      if (!Number.isFinite(value) || (kind === 'an integer' && !Number.isSafeInteger(value))) return undefined;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) return undefined;
      return value;
    },
  };
}

/**
 * An integer flag, optionally bounded.
 *
 * @example
 * const epochs = integer({ description: 'passes over the training data', default: 2, min: 1 });
 */
export function integer(options: NumberOptions & { default: number }): Flag<number>;
export function integer(options: NumberOptions): Flag<number | undefined>;
export function integer(options: NumberOptions & { default?: number }): Flag<number | undefined> {
  return numberFlag('an integer', options);
}

/**
 * A decimal-number flag, optionally bounded.
 *
 * @example
 * const learningRate = decimal({ description: 'peak learning rate', default: 0.001, min: 0 });
 */
export function decimal(options: NumberOptions & { default: number }): Flag<number>;
export function decimal(options: NumberOptions): Flag<number | undefined>;
export function decimal(options: NumberOptions & { default?: number }): Flag<number | undefined> {
  return numberFlag('a number', options);
}

interface TextOptions {
  description: string;
  /** How the value is written in the usage: `DIR`, `PATH`, `URL`. */
  placeholder: string;
  /** What a good value is (default: 'a non-empty value'). */
  expected?: string;
  /** The default as the usage prints it (default: the default itself). */
  defaultText?: string;
}

/**
 * A text flag (a path, an address); an empty value is refused.
 *
 * @example
 * const ratings = text({ description: 'ratings CSV', placeholder: 'PATH', default: 'data/ratings.csv' });
 */
export function text(options: TextOptions & { default: string }): Flag<string>;
export function text(options: TextOptions): Flag<string | undefined>;
export function text(options: TextOptions & { default?: string }): Flag<string | undefined> {
  return {
    kind: 'value',
    placeholder: options.placeholder,
    description: options.description,
    defaultText: options.defaultText ?? options.default ?? '',
    expected: options.expected ?? 'a non-empty value',
    fallback: options.default,
    parse: (value) => (value.trim() === '' ? undefined : value),
  };
}

/**
 * A flag that takes one of a few words.
 *
 * @example
 * const model = choice(['mlp', 'cnn'] as const, { description: 'the model to train', default: 'mlp' });
 */
export function choice<const T extends string>(values: readonly T[], options: { description: string; default: T }): Flag<T> {
  return {
    kind: 'value',
    placeholder: values.join('|'),
    description: options.description,
    defaultText: options.default,
    expected: values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`,
    fallback: options.default,
    parse: (value) => values.find((allowed) => allowed === value),
  };
}

/**
 * A flag without a value: false unless given (`--quiet`, `--full`).
 *
 * @example
 * const full = toggle({ description: 'the full-accuracy run' });
 */
export function toggle(options: { description: string }): Flag<boolean> {
  return { kind: 'toggle', placeholder: '', description: options.description, defaultText: '', expected: 'no value', fallback: false, parse: () => true };
}

/**
 * A flag that may be given several times; its value is the list of texts given.
 *
 * @example
 * const like = list({ description: 'a movie you like (repeat it)', placeholder: '"TITLE (YEAR)"' });
 */
export function list(options: { description: string; placeholder: string; expected?: string }): Flag<string[]> {
  return {
    kind: 'list',
    placeholder: options.placeholder,
    description: options.description,
    defaultText: '',
    expected: options.expected ?? 'a non-empty value',
    fallback: [],
    parse: (value) => (value.trim() === '' ? undefined : [value]),
  };
}

// The shared flags: the same name and meaning in every app. `defineCommand` checks the names.

/**
 * `--seed N`: the seed of every random choice (splits, initial weights, shuffling).
 *
 * @example
 * const flags = { seed: seedFlag() };
 */
export function seedFlag(fallback = 42): Flag<number> {
  return { ...integer({ description: 'seed of every random choice: the same seed, the same run', default: fallback, min: 0 }), conventionalName: 'seed' };
}

/**
 * `--threads auto|N`: WASM backend threads (`auto`: one per core).
 *
 * @example
 * const flags = { threads: threadsFlag() };
 */
export function threadsFlag(): Flag<number | 'auto'> {
  const count = integer({ description: '', min: 1, max: 64 });
  return {
    kind: 'value',
    placeholder: 'auto|N',
    description: 'WASM backend threads (auto: one per core)',
    defaultText: 'auto',
    expected: 'auto or an integer from 1 to 64',
    fallback: 'auto',
    conventionalName: 'threads',
    parse: (value) => (value === 'auto' ? 'auto' : count.parse(value)),
  };
}

/**
 * `--out DIR`: where a command writes what it makes.
 *
 * @example
 * const flags = { out: outFlag('runs', 'folder for the model, the plot and the CSV log') };
 */
export function outFlag(fallback: string, description: string): Flag<string> {
  return { ...text({ description, placeholder: 'DIR', default: fallback, expected: 'a folder' }), conventionalName: 'out' };
}

/**
 * `--epochs N`: passes over the training data. Without a default number (when it depends on
 * other flags), give the text the usage prints and pick the number when the flag is undefined.
 *
 * @example
 * const flags = { epochs: epochsFlag(2) };
 * const perModel = { epochs: epochsFlag(undefined, '2 for the MLP, 1 for the CNN') };
 */
export function epochsFlag(fallback: number, defaultText?: string): Flag<number>;
export function epochsFlag(fallback: undefined, defaultText: string): Flag<number | undefined>;
export function epochsFlag(fallback: number | undefined, defaultText?: string): Flag<number | undefined> {
  const description = 'passes over the training data';
  const options = { description, min: 1, max: 10_000, ...(defaultText === undefined ? {} : { defaultText }) };
  return { ...(fallback === undefined ? integer(options) : integer({ ...options, default: fallback })), conventionalName: 'epochs' };
}

/**
 * `--port N`: the port a server listens on (0: any free port).
 *
 * @example
 * const flags = { port: portFlag() };
 */
export function portFlag(fallback = 3000): Flag<number> {
  return { ...integer({ description: 'port to listen on (0: any free port)', default: fallback, min: 0, max: 65535 }), conventionalName: 'port' };
}

/**
 * `--quiet`: print only the last line (what was written where, what to run next) and errors.
 *
 * @example
 * const flags = { quiet: quietFlag() };
 */
export function quietFlag(): Flag<boolean> {
  return { ...toggle({ description: 'print only the last line (what was written where) and errors' }), conventionalName: 'quiet' };
}

/**
 * Checks a command's definition (a programmer's mistake throws at once, not when a user types
 * the flag) and returns it: the shared flags under their own names, at least one example.
 *
 * @example
 * export const startCommand = defineCommand({ name: 'pnpm start', summary: '...', flags: { seed: seedFlag() }, examples: ['pnpm start --seed 1'] });
 */
export function defineCommand<const F extends Record<string, Flag<unknown>>>(command: Command<F>): Command<F> {
  for (const [name, flag] of Object.entries(command.flags)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name) || name === 'help') throw new Error(`${command.name}: the flag name '${name}' is not a lower-case kebab-case name other than help.`);
    if (flag.conventionalName !== undefined && flag.conventionalName !== name) {
      throw new Error(`${command.name}: the shared flag --${flag.conventionalName} must be called --${flag.conventionalName}, not --${name}.`);
    }
  }
  if (command.examples.length === 0) throw new Error(`${command.name}: give at least one example.`);
  return command;
}

/**
 * The usage `--help` prints: the command, what it does, one line per flag with its default, and
 * the examples.
 *
 * @example
 * console.log(formatUsage(startCommand));
 */
export function formatUsage(command: Command): string {
  const rows: [string, string][] = Object.entries(command.flags).map(([name, flag]) => [
    `--${name}${flag.placeholder === '' ? '' : ` ${flag.placeholder}`}`,
    `${flag.description}${flag.defaultText === '' ? '' : ` (default: ${flag.defaultText})`}${flag.kind === 'list' ? ' (repeatable)' : ''}`,
  ]);
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const positionals = command.positionals === undefined ? '' : ` ${command.positionals.placeholder}`;
  return [
    `Usage: ${command.name} [flags]${positionals}`,
    command.summary,
    ...(command.positionals === undefined ? [] : ['', `Arguments: ${command.positionals.placeholder}  ${command.positionals.description}`]),
    '',
    'Flags:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    ...(command.notes === undefined || command.notes.length === 0 ? [] : ['', ...command.notes]),
    '',
    command.examples.length === 1 ? 'Example:' : 'Examples:',
    ...command.examples.map((example) => `  ${example}`),
  ].join('\n');
}

/**
 * The flags as a Markdown table (flag, default, what it does), for the app's README: a test
 * checks that the README holds exactly this table for every command.
 *
 * @example
 * formatUsageMarkdown(startCommand); // '| flag | default | what it does |\n| --- | --- | --- |\n| `--seed N` | 42 | ...'
 */
export function formatUsageMarkdown(command: Command): string {
  const cell = (value: string) => value.replaceAll('|', '\\|');
  return [
    '| flag | default | what it does |',
    '| --- | --- | --- |',
    ...Object.entries(command.flags).map(
      ([name, flag]) =>
        `| \`${cell(`--${name}${flag.placeholder === '' ? '' : ` ${flag.placeholder}`}`)}\` | ${cell(flag.defaultText)} | ${cell(flag.description)}${flag.kind === 'list' ? ' (repeatable)' : ''} |`,
    ),
  ].join('\n');
}

/** Edit distance, to suggest the flag a typo meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

function unknownFlag(command: Command, token: string): string {
  const name = token.replace(/^-+/, '').split('=')[0]!;
  const closest = Object.keys(command.flags)
    .map((known) => ({ known, cost: distance(name, known) }))
    .sort((a, b) => a.cost - b.cost)[0];
  const hint = closest !== undefined && closest.cost <= Math.max(1, Math.floor(name.length / 3)) ? ` Did you mean \`--${closest.known}\`?` : ' The flags are listed below.';
  const shown = token.split('=')[0]!;
  return `Unknown flag \`${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}\` for ${command.name}.${hint}`;
}

/**
 * Reads a command line. Returns 'help' when `--help` or `-h` is among the flags (even beside a
 * bad one), the values otherwise; throws a {@link UsageError} naming the first bad flag.
 *
 * @example
 * parseCommandLine(startCommand, ['--epochs', '3']); // { values: { epochs: 3, ... }, positionals: [], given: Set { 'epochs' } }
 */
export function parseCommandLine<F extends Record<string, Flag<unknown>>>(command: Command<F>, argv: readonly string[]): Parsed<F> | 'help' {
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  let problem: string | undefined;
  const fail = (message: string) => (problem ??= message);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') continue;
    if (token === '--help' || token === '-h') return 'help';
    if (!token.startsWith('-') || /^-(\d|\.\d|$)/.test(token)) {
      if (command.positionals === undefined) fail(`Unexpected argument ${quoted(token)} for ${command.name}: it takes only flags (--name value).`);
      else positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.startsWith('--') ? token.slice(2, equals === -1 ? undefined : equals) : '';
    const flag = Object.hasOwn(command.flags, name) ? command.flags[name] : undefined;
    if (flag === undefined) {
      fail(unknownFlag(command, token));
      continue;
    }
    given.add(name);
    if (flag.kind === 'toggle') {
      if (equals !== -1) fail(`Invalid value for \`--${name}\` in ${command.name}. Expected no value: --${name} is on or off. Received: ${quoted(token.slice(equals + 1))}.`);
      values[name] = true;
      continue;
    }
    let value: string;
    if (equals !== -1) value = token.slice(equals + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i]!;
    else {
      fail(`Missing value for \`--${name}\` in ${command.name}. Expected ${flag.expected}${flag.placeholder.startsWith('"') ? '' : ` (--${name} ${flag.placeholder})`}.`);
      continue;
    }
    const parsed = flag.parse(value);
    if (parsed === undefined) fail(invalidFlag(command, name, flag.expected, value));
    else if (flag.kind === 'list') values[name] = [...((values[name] as string[] | undefined) ?? []), ...(parsed as string[])];
    else values[name] = parsed;
  }
  if (problem !== undefined) throw new UsageError(problem);
  const needed = command.positionals?.min ?? 0;
  if (positionals.length < needed) {
    throw new UsageError(`Missing ${command.positionals!.placeholder} for ${command.name}: give at least ${needed} (${command.positionals!.description}).`);
  }
  for (const [name, flag] of Object.entries(command.flags)) if (!given.has(name)) values[name] = flag.fallback;
  return { values: values as FlagValues<F>, positionals, given: given as ReadonlySet<keyof F & string> };
}

const LOOM_ERROR = Symbol.for('loom-ml.error');

/**
 * How an error ends a command: a {@link UsageError} prints its line and the usage (exit code 2);
 * an error a user can act on (a {@link CommandError}, a Loom error, a Node error with a code
 * such as ENOENT or EADDRINUSE) prints its message (exit code 1); anything else is a bug in the
 * app and prints its stack trace (exit code 1).
 */
function failure(command: Command, error: unknown): { text: string; code: number } {
  if (error instanceof UsageError) return { text: `${error.message}\n\n${formatUsage(command)}\n`, code: 2 };
  const known =
    error instanceof CommandError ||
    (typeof error === 'object' && error !== null && ((error as Record<symbol, unknown>)[LOOM_ERROR] === true || typeof (error as { code?: unknown }).code === 'string'));
  return { text: `${known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`, code: 1 };
}

/**
 * Runs a command: reads `process.argv`, prints the usage for `--help`, and calls `main` with the
 * values; a bad flag (or a {@link UsageError} from `main`) prints one line and the usage and
 * exits with 2, never a stack trace. Import the heavy modules inside `main`, so that `--help`
 * and a mistyped flag answer at once. When `main` fails, the process exits shortly after the
 * message even if a server or a worker it started is still open (`forceExit: false` for tests).
 *
 * @example
 * await runCommand(startCommand, async ({ values }) => {
 *   const { train } = await import('./train.js');
 *   await train(values);
 * });
 */
export async function runCommand<F extends Record<string, Flag<unknown>>>(
  command: Command<F>,
  main: (parsed: Parsed<F>) => Promise<void> | void,
  { argv = process.argv.slice(2), forceExit = true }: { argv?: readonly string[]; forceExit?: boolean } = {},
): Promise<void> {
  try {
    const parsed = parseCommandLine(command, argv);
    if (parsed === 'help') process.stdout.write(`${formatUsage(command)}\n`);
    else await main(parsed);
  } catch (error) {
    const { text, code } = failure(command, error);
    process.stderr.write(text);
    process.exitCode = code;
    if (forceExit) setTimeout(() => process.exit(code), 200).unref();
  }
}

/** Writes `text` to `stream`, then ends the process with `code` once the text is out (a pipe may write later). */
function exitAfter(stream: NodeJS.WriteStream, text: string, code: number): Promise<never> {
  stream.write(text, () => process.exit(code));
  return new Promise<never>(() => {});
}

/**
 * Reads the command line of a script that runs at the top level (a load test, a server): returns
 * the values, or prints the usage for `--help` (exit code 0) or the bad flag and the usage (exit
 * code 2) and ends the process. From then on an uncaught error ends the script as
 * {@link runCommand} would: a {@link UsageError} with the usage, a failure the user can act on as
 * one line, a bug with its stack trace. Import the heavy modules after this call.
 *
 * @example
 * const { values } = await readCommandLine(serveCommand);
 * const { createServer } = await import('./server.js');
 */
export async function readCommandLine<F extends Record<string, Flag<unknown>>>(command: Command<F>, argv: readonly string[] = process.argv.slice(2)): Promise<Parsed<F>> {
  let parsed: Parsed<F> | 'help';
  try {
    parsed = parseCommandLine(command, argv);
  } catch (error) {
    const { text, code } = failure(command, error);
    return exitAfter(process.stderr, text, code);
  }
  if (parsed === 'help') return exitAfter(process.stdout, `${formatUsage(command)}\n`, 0);
  process.on('uncaughtException', (error) => {
    const { text, code } = failure(command, error);
    void exitAfter(process.stderr, text, code);
  });
  return parsed;
}

/** A long step's progress, as {@link startStep} returns it. */
export interface Step {
  /** `done` of `total` finished (items, bytes, batches). */
  update(done: number, total: number): void;
  /** Ends the step with a line: `Loading MNIST: 70,000 images (1.2 s).` */
  end(summary: string): void;
}

/**
 * Shows a long step (loading data, evaluating a large set): on a terminal one line that updates
 * in place with the percentage done, elsewhere a line when it starts and one when it ends;
 * nothing at all when `quiet`.
 *
 * @example
 * const step = startStep('Evaluating on 25,000 reviews');
 * step.update(5000, 25000);
 * step.end('accuracy 86.1%');
 */
export function startStep(label: string, { quiet = false, stream = process.stdout }: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Step {
  const started = performance.now();
  const interactive = stream.isTTY === true;
  let lastDraw = 0;
  if (!quiet) stream.write(interactive ? `${label}…` : `${label}…\n`);
  return {
    update(done, total) {
      const now = performance.now();
      if (quiet || !interactive || now - lastDraw < 100) return;
      lastDraw = now;
      stream.write(`\r${label}… ${Math.floor((100 * done) / Math.max(total, 1))}%`);
    },
    end(summary) {
      if (quiet) return;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      stream.write(`${interactive ? '\r\x1b[K' : ''}${label}: ${summary} (${seconds} s).\n`);
    },
  };
}
