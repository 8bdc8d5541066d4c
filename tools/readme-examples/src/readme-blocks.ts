// Reads a README's fenced code blocks, its install line and the markers that say how each block
// is tested. The rules (also in CONTRIBUTING.md, "README examples are tests"):
//
// - The install line is the first ```sh block made only of `npm install ...` lines. The packages
//   it names are all a block may import (plus `node:` builtins).
// - Every ```ts / ```js block runs as a program of its own, in Node.js.
// - A marker, an HTML comment on the lines just above the fence, changes that:
//     <!-- not-a-test: why -->        the block is a fragment (a signature, a command, output);
//                                     the reason is required and printed by the test.
//     <!-- test: browser -->          runs in a Chromium page instead of Node.js
//     <!-- test: node, browser -->    runs in both
//     <!-- test: continues -->        runs after the README's previous runnable block, in the same
//                                     program (for an example that goes on from the one above)
// - Every other block (```sh, ```json, output without a language) must carry `not-a-test`.

export type Target = 'node' | 'browser';

export interface CodeBlock {
  /** README path as given (e.g. `packages/data/README.md`). */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language (`ts`, `js`, `sh`, ... or '' for none). */
  lang: string;
  code: string;
  /** The `## Heading` the block sits under ('' before the first heading). */
  section: string;
  /** `section` plus the block's ordinal in it: a name that survives edits elsewhere in the file. */
  name: string;
  kind: 'install' | 'run' | 'fragment';
  /** For a fragment: why it is not run. */
  reason?: string;
  /** For a runnable block: where it runs. */
  targets: Target[];
  /** Runs after the previous runnable block, in one program. */
  continues: boolean;
}

export interface InstallLine {
  /** 1-based line of the fence. */
  line: number;
  /** Package specs as written: `@loom-ml/data`, `@tensorflow/tfjs-core@4.22.0`. */
  specs: string[];
  /** The package names: specs without versions. */
  names: string[];
}

export interface ParsedReadme {
  readme: string;
  install?: InstallLine;
  blocks: CodeBlock[];
  /** What makes the README untestable as written (unmarked blocks, bad markers, ...). */
  problems: string[];
}

const RUNNABLE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);

/** Parses a README's code blocks and markers (see the rules at the top of this file). */
export function parseReadme(readme: string, text: string): ParsedReadme {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  const problems: string[] = [];
  let install: InstallLine | undefined;
  let section = '';
  const perSection = new Map<string, number>();

  for (let i = 0; i < lines.length; i++) {
    const current = lines[i]!;
    const heading = /^(#{1,6})\s+(.*)$/.exec(current);
    if (heading !== null) {
      section = `${heading[1]} ${heading[2]!.trim()}`;
      continue;
    }
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^\n]*$/.exec(current);
    if (fence === null) continue;
    const start = i;
    const marker = fence[2]!;
    const body: string[] = [];
    i++;
    while (i < lines.length && !(lines[i]!.trim().startsWith(marker) && lines[i]!.trim().replace(/[`~]/g, '') === '')) {
      body.push(lines[i]!.slice(Math.min(fence[1]!.length, lines[i]!.length - lines[i]!.trimStart().length)));
      i++;
    }
    if (i >= lines.length) problems.push(`${readme}:${start + 1}: the code block is never closed.`);
    const lang = fence[3]!.toLowerCase();
    const code = body.join('\n');
    const ordinal = (perSection.get(section) ?? 0) + 1;
    perSection.set(section, ordinal);
    const name = `${section || '(top)'} › block ${ordinal}`;
    const where = `${readme}:${start + 1} (${name})`;
    const markers = readMarkers(lines, start);
    for (const problem of markers.problems) problems.push(`${where}: ${problem}`);
    const block: CodeBlock = { readme, line: start + 1, lang, code, section, name, kind: 'run', targets: ['node'], continues: false };

    if (markers.notATest !== undefined) {
      if (markers.test !== undefined) problems.push(`${where}: has both a not-a-test and a test marker.`);
      blocks.push({ ...block, kind: 'fragment', reason: markers.notATest, targets: [] });
      continue;
    }
    const specs = install === undefined && (lang === 'sh' || lang === 'bash' || lang === 'shell') ? installSpecs(code) : undefined;
    if (specs !== undefined) {
      if (markers.test !== undefined) problems.push(`${where}: the install line takes no test marker.`);
      install = { line: start + 1, specs, names: specs.map(packageOfSpec) };
      blocks.push({ ...block, kind: 'install', targets: [] });
      continue;
    }
    if (!RUNNABLE.has(lang)) {
      problems.push(`${where}: a \`\`\`${lang || '(no language)'} block is not run; mark it <!-- not-a-test: reason --> if it is a fragment, a command or output.`);
      blocks.push({ ...block, kind: 'fragment', reason: '(unmarked)', targets: [] });
      continue;
    }
    const options = markers.test ?? [];
    const targets = options.filter((option): option is Target => option === 'node' || option === 'browser');
    const continues = options.includes('continues');
    const unknown = options.filter((option) => option !== 'node' && option !== 'browser' && option !== 'continues');
    if (unknown.length > 0) problems.push(`${where}: unknown test marker option(s) ${unknown.map((o) => `'${o}'`).join(', ')}; expected node, browser or continues.`);
    if (continues && !blocks.some((earlier) => earlier.kind === 'run')) problems.push(`${where}: 'continues' but no runnable block comes before it.`);
    blocks.push({ ...block, targets: targets.length > 0 ? targets : ['node'], continues });
  }
  return { readme, install, blocks, problems };
}

/** The markers in the HTML comments just above line `fence` (blank lines may separate them). */
function readMarkers(lines: string[], fence: number): { notATest?: string; test?: string[]; problems: string[] } {
  const problems: string[] = [];
  let notATest: string | undefined;
  let test: string[] | undefined;
  for (let j = fence - 1; j >= 0; j--) {
    const line = lines[j]!.trim();
    if (line === '') continue;
    const comment = /^<!--\s*([\w-]+)\s*:?\s*(.*?)\s*-->$/.exec(line);
    if (comment === null) break;
    const [, key, value] = comment;
    if (key === 'not-a-test') {
      if (value === '') problems.push('<!-- not-a-test --> needs a reason: <!-- not-a-test: why -->.');
      notATest = value;
    } else if (key === 'test') {
      test = value!.split(',').map((option) => option.trim()).filter((option) => option !== '');
      if (test.length === 0) problems.push('<!-- test: --> names no option (node, browser, continues).');
    }
  }
  return { notATest, test, problems };
}

/** The package specs of a block made only of `npm install` lines (and comments), else undefined. */
export function installSpecs(code: string): string[] | undefined {
  const commands = code
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
  if (commands.length === 0 || !commands.every((line) => /^npm (install|i|add)\s/.test(line))) return undefined;
  return commands.flatMap((line) => line.split(/\s+/).slice(2).filter((word) => !word.startsWith('-')));
}

/** `@scope/name@1.2.3` → `@scope/name`; `name@^1` → `name`. */
export function packageOfSpec(spec: string): string {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at === -1 ? spec : spec.slice(0, at);
}

/** The package an import specifier reaches (`@loom-ml/data/node` → `@loom-ml/data`), or undefined for builtins. */
export function packageOfImport(specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every module specifier a (JavaScript) program imports, statically or with a literal `import()`. */
export function importedSpecifiers(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}
