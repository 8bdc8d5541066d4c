import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, readCsv } from '../index.js';

// Issue 18 item 9: values are read as documented, never silently changed.

describe('missing values honour ColumnSpec.missing', () => {
  const text = 'id,income\n1,52000\n2,\n3,NA\n4,61000\n';

  it("is 'error' by default for typed columns: an empty cell is a named error, not null", () => {
    expect(() => parseCsv(text, { source: 'loans.csv', schema: { income: 'number' } })).toThrow(CsvError);
    expect(() => parseCsv(text, { source: 'loans.csv', schema: { income: 'number' } })).toThrow(
      `loans.csv line 3, column \`income\`: missing value "" in a number column whose \`missing\` is 'error' (set it, or onMissing, to null, 'skip' or a fill value).`,
    );
    try {
      parseCsv(text, { schema: { id: 'integer', income: 'number' } });
    } catch (error) {
      expect(error).toMatchObject({ name: 'CsvError', reason: 'missing-value', line: 3, column: 'income' });
    }
  });

  it('null, a fill value, or skipping the row (counted), per column or for all via onMissing', () => {
    expect(parseCsv(text, { schema: { income: { type: 'number', missing: null } } }).rows.map((r) => r.income)).toEqual([52000, null, null, 61000]);
    expect(parseCsv(text, { schema: { income: { type: 'number', missing: 0 } } }).rows.map((r) => r.income)).toEqual([52000, 0, 0, 61000]);
    const skipped = parseCsv(text, { schema: { id: 'integer', income: { type: 'number', missing: 'skip' } } });
    expect(skipped.rows).toEqual([{ id: 1, income: 52000 }, { id: 4, income: 61000 }]);
    expect([skipped.skippedForMissing, skipped.skippedRows]).toEqual([2, 0]);
    expect(parseCsv(text, { schema: { income: 'number' }, onMissing: null }).rows.map((r) => r.income)).toEqual([52000, null, null, 61000]);
  });

  it('string columns keep their text (empty or "NA") unless their own `missing` says otherwise', () => {
    expect(parseCsv('a,name\n1,\n2,NA\n', { schema: { name: 'string' } }).rows.map((r) => r.name)).toEqual(['', 'NA']);
    expect(parseCsv('a,name\n1,\n2,NA\n', { schema: { name: { type: 'string', missing: null } } }).rows.map((r) => r.name)).toEqual([null, null]);
  });

  it('a fill value must fit the column type', () => {
    expect(() => parseCsv(text, { schema: { income: { type: 'number', missing: 'zero' } } })).toThrow(
      "Invalid value for `missing of column `income`` in readCsv. Expected 'error', 'skip', null or a fill value of type number. Received: 'zero'.",
    );
    expect(() => parseCsv(text, { schema: { id: { type: 'integer', missing: 1.5 } } })).toThrow(/fill value of type integer/);
  });
});

describe('any column name works', () => {
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
  const text = `${names.join(',')}\n1,2,3,4,5\n`;

  it('as untyped and typed columns (schema as an object with own keys, or as a Map)', async () => {
    const untyped = parseCsv(text).rows[0]!;
    expect(Object.keys(untyped)).toEqual(names);
    expect(untyped.__proto__).toBe('3');
    expect(untyped.constructor).toBe('1');
    const schema: Record<string, 'integer'> = {};
    for (const name of names) Object.defineProperty(schema, name, { value: 'integer', enumerable: true });
    const typed = parseCsv(text, { schema }).rows[0]!;
    expect(names.map((name) => typed[name])).toEqual([1, 2, 3, 4, 5]);
    const fromMap = (await readCsv(text, { schema: new Map(names.map((name) => [name, 'integer'] as const)) })).rows[0]!;
    expect(names.map((name) => fromMap[name])).toEqual([1, 2, 3, 4, 5]);
    expect(JSON.parse(JSON.stringify(fromMap))).toEqual(Object.fromEntries(names.map((name, i) => [name, i + 1])));
  });

  it('a schema naming an inherited key finds no column by accident', () => {
    expect(() => parseCsv('a\n1\n', { schema: { toString: 'number' } as never })).toThrow("the schema names column `toString`, which the header does not have (columns: a).");
    expect(parseCsv('a\n1\n', { schema: { a: 'integer' } }).rows).toEqual([{ a: 1 }]);
  });
});

describe('numbers are decimal only, and exact', () => {
  const read = (value: string, type: 'number' | 'integer' = 'number') => parseCsv(`x\n"${value}"\n`, { schema: { x: type }, source: 'n.csv' }).rows[0]!.x;

  it('reads decimal forms: sign, point, exponent, leading zeros', () => {
    expect(['1', '-1.5', '+2', '.5', '5.', '1e3', '1.5E-3', '007', '-0'].map((v) => read(v))).toEqual([1, -1.5, 2, 0.5, 5, 1000, 0.0015, 7, -0]);
    expect(read('9007199254740991', 'integer')).toBe(2 ** 53 - 1);
    expect(read('-42', 'integer')).toBe(-42);
  });

  it("refuses hex, binary, octal, a bare exponent, spaces, Infinity and overflow, naming line and column", () => {
    for (const value of ['0x10', '0b11', '0o7', '1e', 'e5', ' 1', '1 ', 'Infinity', '-Infinity', 'inf', '1_000', '1,5', '--1', '']) {
      expect(() => parseCsv(`x\n"${value}"\n`, { schema: { x: { type: 'number', missing: null } }, missingValues: ['NA'], source: 'n.csv' })).toThrow(
        `n.csv line 2, column \`x\`: expected a decimal number, received ${JSON.stringify(value)}.`,
      );
    }
    expect(() => read('1e400')).toThrow('n.csv line 2, column `x`: expected a number within ±1.8e308, received "1e400".');
  });

  it('refuses integers beyond 2^53 - 1 instead of rounding them, in integer and number columns', () => {
    const message = 'n.csv line 2, column `x`: expected an integer within ±(2^53 − 1), which a number holds exactly (read the column as a string to keep it whole), received "9007199254740993".';
    expect(() => read('9007199254740993', 'integer')).toThrow(message);
    expect(() => read('9007199254740993', 'number')).toThrow(message);
    expect(() => read('-9007199254740992', 'integer')).toThrow(/within ±\(2\^53 − 1\)/);
    expect(() => read('1.0', 'integer')).toThrow('n.csv line 2, column `x`: expected an integer, received "1.0".');
    expect(() => read('1e3', 'integer')).toThrow(/expected an integer, received "1e3"/);
  });

  it('cuts a long bad value in the message', () => {
    const long = 'z'.repeat(5000);
    expect(() => read(long)).toThrow(`expected a decimal number, received "${'z'.repeat(80)}"… (5000 characters).`);
  });
});

describe('UTF-8 and line numbers across chunks', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it('invalid UTF-8 is a named error with its line by default; invalidUtf8: "replace" reads U+FFFD', async () => {
    const bytes = new Uint8Array([...encode('name\nAda\nBad'), 0xff, ...encode('\nEve\n')]);
    const error = await readCsv(new Blob([bytes]), { source: 'p.csv' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).message).toBe("p.csv line 3: invalid UTF-8 (bytes ff); is the file in another encoding? Pass invalidUtf8: 'replace' to read such bytes as U+FFFD.");
    expect((error as CsvError).line).toBe(3);
    const replaced = await readCsv(new Blob([bytes]), { invalidUtf8: 'replace' });
    expect(replaced.rows.map((r) => r.name)).toEqual(['Ada', 'Bad\uFFFD', 'Eve']);
    // A truncated character at the very end, and an overlong form, are invalid too.
    await expect(readCsv(new Blob([encode('a\nb'), new Uint8Array([0xe2, 0x82])]))).rejects.toThrow('CSV input line 2: invalid UTF-8 (bytes e2 82)');
    await expect(readCsv(new Blob([encode('a\n\n\nb'), new Uint8Array([0xc0, 0xaf])]))).rejects.toThrow('CSV input line 4: invalid UTF-8 (bytes c0)');
  });

  it('CRLF and quotes split across chunk boundaries keep line numbers right (every split point)', async () => {
    const text = 'a,b\r\n"x\r\ny",1\r\n"say ""hi""\r\n",2\r\nz,bad\r\n';
    const bytes = encode(text);
    const expected = 'CSV input line 6, column `b`: expected an integer, received "bad".';
    expect(() => parseCsv(text, { schema: { b: 'integer' } })).toThrow(expected);
    for (let cut = 1; cut < bytes.length; cut++) {
      for (const chunks of [[text.slice(0, cut), text.slice(cut)], [bytes.slice(0, cut), bytes.slice(cut)]]) {
        const error = await readCsv(chunks, { schema: { b: 'integer' } }).catch((e: unknown) => e);
        expect((error as Error).message).toBe(expected);
      }
    }
  });
});
