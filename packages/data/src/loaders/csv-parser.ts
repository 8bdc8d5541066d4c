import { DataError, invalidValue } from '../errors.js';

/** One parsed record: its fields and the line it started on (1-based, header included). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** What went wrong, for code that handles CSV errors (the message says it for people). */
export type CsvErrorReason =
  | 'field-too-large'
  | 'record-too-large'
  | 'unclosed-quote'
  | 'stray-quote'
  | 'text-after-quote'
  | 'invalid-utf8'
  | 'bad-header'
  | 'field-count'
  | 'bad-value'
  | 'missing-value';

/**
 * A CSV input that cannot be read as given, with the line (1-based, counting the header) and,
 * when it is about one field, the column. Every CSV error of `@loom-ml/data` is one.
 *
 * @example
 * try { parseCsv(text); } catch (e) { if (e instanceof CsvError) console.log(e.reason, e.line); }
 */
export class CsvError extends DataError {
  constructor(
    message: string,
    readonly reason: CsvErrorReason,
    readonly line: number,
    /** The column's name, or its 1-based position where the header is not known yet. */
    readonly column?: string | number,
  ) {
    super(message);
  }
}

/** Default `maxFieldBytes`: 1 MiB, 8 times Python's csv `field_size_limit` (128 KiB). */
export const DEFAULT_MAX_FIELD_BYTES = 2 ** 20;
/** Default `maxRecordBytes`: 4 MiB. */
export const DEFAULT_MAX_RECORD_BYTES = 4 * 2 ** 20;

/** Options of `CsvParser` (and of every CSV reader, which passes them on). */
export interface CsvParserOptions {
  /** Names the input in errors (a file name). Default 'CSV input'. */
  source?: string;
  /** Default ','. */
  delimiter?: string;
  /** Longest field, in UTF-8 bytes after unquoting. Default 1 MiB. */
  maxFieldBytes?: number;
  /** Longest record, in UTF-8 bytes of its fields plus its delimiters. Default 4 MiB. */
  maxRecordBytes?: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  /** At the start of a field (or of a record). */
  FieldStart,
  /** Inside an unquoted field that has text. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field: a second quote is a literal one, anything else ends the field. */
  QuoteInQuoted,
}

/** UTF-8 bytes of `text[start, end)` (a surrogate counts 2, so a pair counts 4 however it is split). */
function utf8Length(text: string, start: number, end: number): number {
  let bytes = end - start;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) bytes += code < 0x800 || (code >= 0xd800 && code <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

function escapeForCharacterClass(character: string): string {
  return character.replace(/[\\\]^-]/g, '\\$&');
}

function checkLimit(value: unknown, name: string): number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) throw invalidValue(name, 'CsvParser', 'a positive integer (bytes)', value);
  return value;
}

/**
 * An incremental RFC 4180 parser: feed it text chunks in order, it returns the records
 * completed so far. Handles quoted fields with commas, doubled quotes and newlines, CRLF and
 * LF line ends (also split across chunks), a UTF-8 byte-order mark, and skips empty lines. It
 * holds at most one record, bounded by `maxFieldBytes` and `maxRecordBytes`, so an unclosed
 * quote in a huge file ends in a `CsvError` naming its line instead of exhausting memory.
 * The records and errors do not depend on how the text is split into chunks.
 *
 * @example
 * const parser = new CsvParser({ source: 'people.csv' });
 * parser.push('name,age\nAda,36\n'); // [{ fields: ['name', 'age'], line: 1 }, { fields: ['Ada', '36'], line: 2 }]
 * parser.end();
 */
export class CsvParser {
  private readonly source: string;
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly delimiterBytes: number;
  private readonly maxFieldBytes: number;
  private readonly maxRecordBytes: number;
  private readonly unquotedSpecial: RegExp;
  private readonly quotedSpecial = /["\r\n]/g;

  private state = State.FieldStart;
  private field = '';
  private fieldBytes = 0;
  /** Bytes of the record's completed fields and delimiters. */
  private recordBytes = 0;
  private fields: string[] = [];
  /** Whether the current record has anything (a delimiter, a quote, text): empty lines have not. */
  private touched = false;
  private line = 1;
  private recordLine = 1;
  private fieldLine = 1;
  private previousWasCarriageReturn = false;
  private started = false;
  private ended = false;
  /** The error that stopped parsing: every later call throws it again. */
  private failure: unknown = undefined;

  /** Accepts the options, or (as before) the source name and delimiter. */
  constructor(options: CsvParserOptions | string = {}, delimiter?: string) {
    const settings: CsvParserOptions = typeof options === 'string' ? { source: options, ...(delimiter === undefined ? {} : { delimiter }) } : (options ?? {});
    this.source = settings.source ?? 'CSV input';
    this.delimiter = settings.delimiter ?? ',';
    if (typeof this.delimiter !== 'string' || this.delimiter.length !== 1 || this.delimiter === '"' || this.delimiter === '\n' || this.delimiter === '\r') {
      throw invalidValue('delimiter', 'CsvParser', 'one character other than a quote or newline', this.delimiter);
    }
    this.delimiterCode = this.delimiter.charCodeAt(0);
    this.delimiterBytes = utf8Length(this.delimiter, 0, 1);
    this.maxFieldBytes = checkLimit(settings.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES, 'maxFieldBytes');
    this.maxRecordBytes = checkLimit(settings.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES, 'maxRecordBytes');
    this.unquotedSpecial = new RegExp(`[${escapeForCharacterClass(this.delimiter)}"\\r\\n]`, 'g');
  }

  /** The line the parser has reached (1-based): where the next character would be. */
  get currentLine(): number {
    return this.line;
  }

  /**
   * Parses the next chunk and returns the records it completed. When the chunk holds an error,
   * the records completed before it are returned first and the error is thrown by the next
   * call (`push` or `end`), so errors come in input order whatever the chunking.
   */
  push(chunk: string): CsvRecord[] {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new DataError(`${this.source}: CsvParser.push after end().`);
    if (typeof chunk !== 'string') throw invalidValue('chunk', 'CsvParser.push', 'a string', typeof chunk);
    const out: CsvRecord[] = [];
    try {
      this.scan(chunk, out);
    } catch (error) {
      this.failure = error;
      if (out.length === 0) throw error;
    }
    return out;
  }

  private scan(text: string, out: CsvRecord[]): void {
    const length = text.length;
    let i = 0;
    if (!this.started && length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    while (i < length) {
      if (this.state === State.Quoted) {
        this.quotedSpecial.lastIndex = i;
        const match = this.quotedSpecial.exec(text);
        const stop = match === null ? length : match.index;
        if (stop > i) {
          this.append(text, i, stop);
          this.previousWasCarriageReturn = false;
        }
        if (stop === length) break;
        const code = text.charCodeAt(stop);
        if (code === QUOTE) {
          this.state = State.QuoteInQuoted;
          this.previousWasCarriageReturn = false;
        } else {
          this.append(text, stop, stop + 1); // a line break inside quotes belongs to the field
          this.countLineBreak(code);
        }
        i = stop + 1;
        continue;
      }
      if (this.state === State.QuoteInQuoted) {
        const code = text.charCodeAt(i);
        if (code === QUOTE) {
          this.append(text, i, i + 1); // "" is one literal quote
          this.state = State.Quoted;
          this.previousWasCarriageReturn = false;
          i++;
          continue;
        }
        if (code !== this.delimiterCode && code !== CR && code !== LF) {
          throw this.error('text-after-quote', `text after a closing quote; quote the whole field and double inner quotes ("").`, this.line, this.fields.length + 1);
        }
        this.state = State.Unquoted; // the field is complete; the delimiter or line break below ends it
      }
      // FieldStart or Unquoted: copy up to the next delimiter, quote or line break.
      this.unquotedSpecial.lastIndex = i;
      const match = this.unquotedSpecial.exec(text);
      const stop = match === null ? length : match.index;
      if (stop > i) {
        if (this.state === State.FieldStart) this.fieldLine = this.line;
        this.append(text, i, stop);
        this.state = State.Unquoted;
        this.touched = true;
        this.previousWasCarriageReturn = false;
      }
      if (stop === length) break;
      const code = text.charCodeAt(stop);
      if (code === QUOTE) {
        if (this.state === State.Unquoted) {
          throw this.error('stray-quote', `a quote inside an unquoted field; quote the whole field and double inner quotes ("").`, this.line, this.fields.length + 1);
        }
        this.state = State.Quoted;
        this.fieldLine = this.line;
        this.touched = true;
        this.previousWasCarriageReturn = false;
      } else if (code === this.delimiterCode) {
        this.endField();
        this.touched = true;
        this.previousWasCarriageReturn = false;
      } else {
        this.endRecord(out);
        this.countLineBreak(code);
        this.recordLine = this.line;
      }
      i = stop + 1;
    }
  }

  /** Flushes the last record; throws if a quoted field never closed (or an error is pending). */
  end(): CsvRecord[] {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return [];
    this.ended = true;
    if (this.state === State.Quoted) {
      throw this.error('unclosed-quote', 'a quoted field is never closed before the end of the input.', this.fieldLine, this.fields.length + 1);
    }
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  /** A CsvError in the one form: "source line N[, column C]: what.". */
  private error(reason: CsvErrorReason, what: string, line: number, column?: number): CsvError {
    const where = column === undefined ? `line ${line}` : `line ${line}, column ${column}`;
    return new CsvError(`${this.source} ${where}: ${what}`, reason, line, column);
  }

  /** CR, LF and CRLF each end one line, however the two characters of a CRLF are split across chunks. */
  private countLineBreak(code: number): void {
    if (code === CR) {
      this.line++;
      this.previousWasCarriageReturn = true;
    } else {
      if (!this.previousWasCarriageReturn) this.line++;
      this.previousWasCarriageReturn = false;
    }
  }

  private append(text: string, start: number, end: number): void {
    const bytes = utf8Length(text, start, end);
    const fieldRoom = this.maxFieldBytes - this.fieldBytes;
    const recordRoom = this.maxRecordBytes - this.recordBytes - this.fieldBytes;
    if (bytes > fieldRoom || bytes > recordRoom) {
      // Whichever limit the text reaches first, so the error does not depend on the chunking.
      if (fieldRoom <= recordRoom) throw this.fieldTooLarge();
      throw this.recordTooLarge();
    }
    this.field += text.slice(start, end);
    this.fieldBytes += bytes;
  }

  private fieldTooLarge(): CsvError {
    const quoted = this.state === State.Quoted || this.state === State.QuoteInQuoted;
    return this.error(
      'field-too-large',
      `a field is longer than maxFieldBytes (${this.maxFieldBytes} bytes)${quoted ? '; its opening quote on this line is probably never closed' : ''}. Raise maxFieldBytes if fields this long are expected.`,
      this.fieldLine,
      this.fields.length + 1,
    );
  }

  private recordTooLarge(): CsvError {
    return this.error(
      'record-too-large',
      `a record is longer than maxRecordBytes (${this.maxRecordBytes} bytes). Raise maxRecordBytes if records this long are expected.`,
      this.recordLine,
    );
  }

  private endField(): void {
    this.fields.push(this.field);
    this.recordBytes += this.fieldBytes + this.delimiterBytes;
    this.field = '';
    this.fieldBytes = 0;
    this.state = State.FieldStart;
    if (this.recordBytes > this.maxRecordBytes) throw this.recordTooLarge();
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.touched || this.fields.length > 0 || this.field !== '') {
      this.fields.push(this.field);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    this.fieldBytes = 0;
    this.recordBytes = 0;
    this.touched = false;
    this.state = State.FieldStart;
  }
}
