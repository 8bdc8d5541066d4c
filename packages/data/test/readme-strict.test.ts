// The README's main example type-checks under `tsc --strict` as a user writes it, with no casts:
// CSV rows are typed from the schema (issue 22). It compiles against the built dist/*.d.ts, as
// an installed package would be.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function mainExample(): string {
  const readme = readFileSync(`${packageDir}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('no ```ts block after "## Example" in the README');
  return block[1]!;
}

const wrong = `import { parseCsv } from '@loom-ml/data';
const { rows } = parseCsv('a,b\\n1,x\\n', { schema: { a: 'number', b: { type: 'string', missing: null } } });
const a: string = rows[0]!.a;
const b: string = rows[0]!.b;
export { a, b };
`;

/** Type errors of each source, compiled together in one program (the libraries load once). */
function diagnostics(sources: string[]): string[][] {
  // Inside the package folder, so '@loom-ml/data' resolves to this package's exports (dist).
  const folder = `${packageDir}.readme-strict-${process.pid}/`;
  mkdirSync(folder, { recursive: true });
  try {
    const files = sources.map((source, i) => {
      const file = `${folder}example-${i}.ts`;
      writeFileSync(file, source);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'],
      skipLibCheck: true,
      types: [],
    });
    const all = ts.getPreEmitDiagnostics(program);
    return files.map((file) => all.filter((d) => d.file?.fileName === file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

it("the README's main example passes tsc --strict (rows typed from the schema, no casts); a schema that does not fit the use fails", () => {
  const example = mainExample();
  expect(example).toContain("schema: { income: 'number', age: 'integer', defaulted: 'integer' }");
  expect(example).not.toMatch(/ as (number|string|unknown)\b/);
  const [readme, mismatch] = diagnostics([example, wrong]);
  expect(readme).toEqual([]);
  // The check is not vacuous: a number column read as a string and a nullable column are errors.
  expect(mismatch).toHaveLength(2);
  expect(mismatch![0]).toContain("Type 'number' is not assignable to type 'string'");
  expect(mismatch![1]).toContain("Type 'string | null' is not assignable to type 'string'");
});
