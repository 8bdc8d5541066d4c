// Every code block of every package README (and of the root README) is a test: each runnable
// block runs in a fresh project holding exactly the packages its README's install line names
// (packed from this workspace), in Node.js and/or a Chromium page as its marker says; every other
// block must say why it is not run. Rules and markers: src/readme-blocks.ts and CONTRIBUTING.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { launchChromium, type Browser } from '@loom-ml/test-utils/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProject, packWorkspace, repoRoot } from './example-project.js';
import { fixturesFor } from './fixtures.js';
import { KNOWN_FAILURES } from './known-failures.js';
import { importedSpecifiers, packageOfImport, parseReadme, type CodeBlock, type ParsedReadme } from './readme-blocks.js';
import { runInBrowser, runInNode, toJavaScript, type RunResult } from './run-example.js';

const NODE_TIMEOUT_MS = 240_000;
const BROWSER_TIMEOUT_MS = 120_000;

// LOOM_README_EXAMPLES=optimizers,train runs only the READMEs whose path contains one of these
// and prints what each example printed.
const only = (process.env.LOOM_README_EXAMPLES ?? '').split(',').filter((part) => part !== '');
const readmePaths = [
  'README.md',
  ...readdirSync(join(repoRoot, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(join(repoRoot, path)))
    .sort(),
].filter((path) => only.length === 0 || only.some((part) => path.includes(part)));
const readmes: ParsedReadme[] = readmePaths.map((path) => parseReadme(path, readFileSync(join(repoRoot, path), 'utf8')));
const keyOf = (block: CodeBlock) => `${block.readme} › ${block.name}`;

let scratch = '';
let tarballs: Promise<Map<string, string>> | undefined;
const projects = new Map<string, Promise<string>>();
let browser: Promise<Browser> | undefined;
const summary = { node: 0, browser: 0, seconds: 0 };

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'loom-readme-examples-'));
});

afterAll(async () => {
  if (browser !== undefined) await (await browser.catch(() => undefined))?.close();
  // LOOM_README_EXAMPLES_KEEP=1 keeps the projects (and each block's example.mjs) to rerun by hand.
  if (process.env.LOOM_README_EXAMPLES_KEEP === '1') console.log(`README example projects kept in ${scratch}`);
  else if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  const fragments = readmes.flatMap((readme) => readme.blocks.filter((block) => block.kind === 'fragment').map((block) => `  ${block.readme}:${block.line} (${block.name}): ${block.reason}`));
  console.log(
    [
      `README examples: ${summary.node} block run(s) in Node.js, ${summary.browser} in Chromium, ${summary.seconds.toFixed(0)} s of examples; ${fragments.length} fragment(s) not run:`,
      ...fragments,
      `known failures (src/known-failures.ts): ${Object.keys(KNOWN_FAILURES).length}`,
      ...Object.entries(KNOWN_FAILURES).map(([key, why]) => `  ${key}: ${why}`),
    ].join('\n'),
  );
});

/** The installed project for an install line: one per distinct line, shared by its READMEs' blocks. */
function projectFor(specs: string[]): Promise<string> {
  const key = [...specs].sort().join(' ');
  let project = projects.get(key);
  if (project === undefined) {
    tarballs ??= packWorkspace(join(scratch, 'tarballs'));
    const dir = join(scratch, `project-${projects.size + 1}`);
    project = tarballs.then((packed) => installProject(dir, specs, packed)).then(() => dir);
    projects.set(key, project);
  }
  return project;
}

/**
 * The programs a README runs: each runnable block together with the blocks that continue it
 * (`<!-- test: continues -->`), in order. A chain runs once, as one program, where any of its
 * blocks says it runs.
 */
function chainsOf(readme: ParsedReadme): CodeBlock[][] {
  const chains: CodeBlock[][] = [];
  for (const block of readme.blocks.filter((b) => b.kind === 'run')) {
    if (block.continues && chains.length > 0) chains.at(-1)!.push(block);
    else chains.push([block]);
  }
  return chains;
}

function describeRun(target: string, result: RunResult): string {
  return `${target} (${result.seconds.toFixed(1)} s):\n${result.output || '(no output)'}`;
}

describe.each(readmes.map((readme) => [readme.readme, readme] as const))('%s', (_path, readme) => {
  const runnable = readme.blocks.filter((block) => block.kind === 'run');

  it('every code block is run or marked, and imports only packages its install line names', async () => {
    const problems = [...readme.problems];
    if (runnable.length > 0 && readme.install === undefined) {
      problems.push(`${readme.readme}: has code to run but no install line (a \`\`\`sh block of \`npm install ...\` lines).`);
    }
    const installed = new Set(readme.install?.names ?? []);
    for (const block of runnable) {
      let javascript: string;
      try {
        javascript = await toJavaScript(block.code, block.lang);
      } catch (error) {
        problems.push(`${readme.readme}:${block.line} (${block.name}): does not parse: ${(error as Error).message}`);
        continue;
      }
      for (const specifier of importedSpecifiers(javascript)) {
        const name = packageOfImport(specifier);
        if (name === undefined || isBuiltin(specifier)) continue;
        if (specifier.startsWith('.') || specifier.startsWith('/')) {
          problems.push(`${readme.readme}:${block.line} (${block.name}): imports the file '${specifier}'; examples import packages only.`);
        } else if (!installed.has(name)) {
          problems.push(`${readme.readme}:${block.line} (${block.name}): imports '${specifier}', but the install line (line ${readme.install?.line ?? '—'}) does not name ${name}.`);
        }
      }
    }
    for (const key of Object.keys(KNOWN_FAILURES)) {
      if (key.startsWith(`${readme.readme} › `) && !chainsOf(readme).some(([first]) => keyOf(first!) === key)) {
        problems.push(`src/known-failures.ts lists '${key}', which does not start a runnable example of ${readme.readme} (renamed or fixed? update the list).`);
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  for (const chain of chainsOf(readme)) {
    const [first] = chain as [CodeBlock, ...CodeBlock[]];
    const key = keyOf(first);
    const knownFailure = KNOWN_FAILURES[key];
    const targets = (['node', 'browser'] as const).filter((target) => chain.some((block) => block.targets.includes(target)));
    const names = chain.map((block) => `${block.name} (line ${block.line})`).join(' + ');
    const title = `${names}, ${targets.join(' + ')}${knownFailure === undefined ? '' : ' [known failure]'}`;
    it(title, async () => {
      expect(readme.install, `${readme.readme} has no install line`).toBeDefined();
      const project = await projectFor(readme.install!.specs);
      const program = chain.map((block) => block.code).join('\n');
      const lang = chain.some((block) => block.lang === 'ts' || block.lang === 'typescript') ? 'ts' : first.lang;
      const workDir = join(project, `block-${first.line}`);
      const fixtures = fixturesFor(readme.readme, project);
      const reports: string[] = [];
      let ok = true;
      if (targets.includes('node')) {
        await mkdir(workDir, { recursive: true });
        for (const [name, contents] of Object.entries(fixtures.files ?? {})) {
          await mkdir(dirname(join(workDir, name)), { recursive: true }); // names may hold folders ('spark-model/metadata/part-00000')
          await writeFile(join(workDir, name), contents);
        }
        const result = await runInNode(program, lang, workDir, NODE_TIMEOUT_MS);
        summary.node += chain.length;
        summary.seconds += result.seconds;
        ok &&= result.ok;
        reports.push(describeRun('node', result));
      }
      if (targets.includes('browser')) {
        browser ??= launchChromium();
        const result = await runInBrowser(await browser, program, lang, join(workDir, 'browser'), fixtures.page ?? {}, BROWSER_TIMEOUT_MS);
        summary.browser += chain.length;
        summary.seconds += result.seconds;
        ok &&= result.ok;
        reports.push(describeRun('chromium', result));
      }
      const report = `${readme.readme}: ${names}\n${reports.join('\n')}`;
      if (only.length > 0) console.log(report); // a chosen few READMEs: show what each example printed
      if (knownFailure !== undefined) {
        expect(ok, `${key} is listed in src/known-failures.ts (${knownFailure}) but passes now: remove it from the list.\n${report}`).toBe(false);
      } else {
        expect(ok, report).toBe(true);
      }
    }, 900_000);
  }
});
